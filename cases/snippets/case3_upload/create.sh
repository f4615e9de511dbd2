curl -X POST "{{ config.SITE_API_URL }}/records" \
  -H "Authorization: Bearer {your-access-token}" \
  -H "Content-Type: application/json" \
  -d '{
    "metadata": {
      "creators": [
        {
          "person_or_org": {
            "family_name": "Doe",
            "given_name": "Jane",
            "type": "personal"
          }
        }
      ],
      "publication_date": "2025-01-09",
      "publisher": "TU Wien",
      "resource_type": {"id": "dataset"},
      "title": "New Dataset Title"
    },
    "files": {"enabled": true}
  }'
