curl -X POST "{{ config.SITE_API_URL }}/records/abcde-12345/draft/files" \
  -H "Authorization: Bearer {your-access-token}" \
  -H "Content-Type: application/json" \
  -d '[{"key": "example_dataset.csv"}]'
