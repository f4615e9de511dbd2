curl -X POST "{{ config.SITE_API_URL }}/records/abcde-12345/draft/actions/publish" \
  -H "Authorization: Bearer {your-access-token}"
