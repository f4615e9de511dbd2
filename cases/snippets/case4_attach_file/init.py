import requests

url = "{{ config.SITE_API_URL }}/records/abcde-12345/draft/files"
headers = {
    "Authorization": "Bearer {your-access-token}",
    "Content-Type": "application/json",
}
data = [
    {"key": "example_dataset.csv"},
]
response = requests.post(url, json=data, headers=headers)
print(response.json())
