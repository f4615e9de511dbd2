import requests

url = "{{ config.SITE_API_URL }}/records/abcde-12345"
response = requests.get(url)
print(response.json())
