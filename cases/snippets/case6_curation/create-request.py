import requests

url = "{{ config.SITE_API_URL }}/curations/"
headers = {
    "Authorization": "Bearer {your-access-token}",
}
data = {
    "topic": {"record": "fghij-54321"},
}
response = requests.post(url, json=data, headers=headers)
print(response.json())
