import requests

url = "{{ config.SITE_API_URL }}/records/abcde-12345/draft/pids/doi"
headers = {
    "Authorization": "Bearer {your-access-token}",
}
response = requests.post(url, headers=headers)
print(response.json())
