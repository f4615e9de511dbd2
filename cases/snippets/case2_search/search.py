import requests

params = {
    "q": "climate AND metadata.publication_date:[2023-01-01 TO 2025-12-31]",
    "sort": "newest",
    "page": 1,
}
url = "{{ config.SITE_API_URL }}/records"
response = requests.get(url, params=params)
print(response.json())
