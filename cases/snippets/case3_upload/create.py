import requests

url = "{{ config.SITE_API_URL }}/records"
headers = {
    "Authorization": "Bearer {your-access-token}",
    "Content-Type": "application/json",
}
data = {
    "metadata": {
        "creators": [
            {
                "person_or_org": {
                    "family_name": "Doe",
                    "given_name": "Jane",
                    "type": "personal",
                }
            }
        ],
        "publication_date": "2025-01-09",
        "publisher": "TU Wien",
        "resource_type": {"id": "dataset"},
        "title": "New Dataset Title",
    },
    "files": {"enabled": True},
}
response = requests.post(url, json=data, headers=headers)
print(response.json())
