import requests
url = "{{ config.SITE_API_URL }}/invenio_damap/damap/dmp"
headers = {
    "Authorization": "Bearer {your-access-token}",
}
response = requests.get(url, headers=headers)
print(response.json())
