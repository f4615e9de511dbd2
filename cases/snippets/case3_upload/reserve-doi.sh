curl -X POST "{{ config.SITE_API_URL }}/records/abcde-12345/draft/pids/doi" \
  -H "Authorization: Bearer {your-access-token}"
