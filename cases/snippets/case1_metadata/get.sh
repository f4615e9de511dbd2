curl "{{ config.SITE_API_URL }}/records/abcde-12345"
