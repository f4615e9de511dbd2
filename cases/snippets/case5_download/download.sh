curl -o example_dataset.csv "{{ config.SITE_API_URL }}/records/abcde-12345/files/example_dataset.csv/content"
