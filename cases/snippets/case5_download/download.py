import os
import requests

url = "{{ config.SITE_API_URL }}/records/abcde-12345/files/example_dataset.csv/content"
filename = "example_dataset.csv"  # the file's key, as in the URL
response = requests.get(url, stream=True)
response.raise_for_status()
with open(filename, "wb") as f:
    for chunk in response.iter_content(chunk_size=8192):
        f.write(chunk)
print("File saved at:", os.path.abspath(filename))
