curl -G "{{ config.SITE_API_URL }}/records" \
  --data-urlencode "q=climate AND metadata.publication_date:[2023-01-01 TO 2025-12-31]" \
  --data-urlencode "sort=newest" \
  --data-urlencode "page=1"
