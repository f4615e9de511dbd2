curl -X POST "{{ config.SITE_API_URL }}/invenio_damap/damap/dmp/1337/dataset/abcde-12345" \
     -H "Authorization: Bearer {your-access-token}"
