curl "{{ config.SITE_API_URL }}/invenio_damap/damap/dmp" \
     -H "Authorization: Bearer {your-access-token}"
