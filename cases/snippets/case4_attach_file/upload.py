import requests

url = "{{ config.SITE_API_URL }}/records/abcde-12345/draft/files/example_dataset.csv/content"
headers = {
    "Authorization": "Bearer {your-access-token}",
    "Content-Type": "application/octet-stream",
}
with open("example_dataset.csv", "rb") as file_data:
    response = requests.put(url, headers=headers, data=file_data)
print(response.json())
