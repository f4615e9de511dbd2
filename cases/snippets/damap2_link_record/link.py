import requests
url = "{{ config.SITE_API_URL }}/invenio_damap/damap/dmp/1337/dataset/abcde-12345"
headers = {
    "Authorization": "Bearer {your-access-token}",
}
response = requests.post(url, headers=headers)
print(response.json())
