curl -X PUT "{{ config.SITE_API_URL }}/records/abcde-12345/draft/files/example_dataset.csv/content" \
  -H "Authorization: Bearer {your-access-token}" \
  -H "Content-Type: application/octet-stream" \
  --data-binary @example_dataset.csv
