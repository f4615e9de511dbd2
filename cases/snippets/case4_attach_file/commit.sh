curl -X POST "{{ config.SITE_API_URL }}/records/abcde-12345/draft/files/example_dataset.csv/commit" \
  -H "Authorization: Bearer {your-access-token}"
