curl -X POST "{{ config.SITE_API_URL }}/curations/" \
  -H "Authorization: Bearer {your-access-token}" \
  -H "Content-Type: application/json" \
  -d '{"topic": {"record": "fghij-54321"}}'
