"""Case 3 - Upload a New Dataset: create a draft, then reserve its DOI."""

from core.model import Case, Expect, Snippet

from core.checks import equals

CASE = Case(
    name="case3_upload",
    title="Upload a New Dataset",
    story=(
        "As a lab scientist, I want to automate the upload of new datasets along with detailed metadata so that "
        "my research outputs are quickly published, discoverable, and citable through an assigned DOI."
    ),
    placeholders={"abcde-12345": "record_id"},
    writes=True,
    cleanup=("record_id",),
    steps=(
        Snippet(
            name="create",
            title="Step 1: Create a new draft",
            method="POST",
            endpoint="/api/records",
            curl='''\
curl -X POST "{{ config.SITE_API_URL }}/records" \\
  -H "Authorization: Bearer {your-access-token}" \\
  -H "Content-Type: application/json" \\
  -d '{
    "metadata": {
      "creators": [
        {
          "person_or_org": {
            "family_name": "Doe",
            "given_name": "Jane",
            "type": "personal"
          }
        }
      ],
      "publication_date": "2025-01-09",
      "publisher": "TU Wien",
      "resource_type": {"id": "dataset"},
      "title": "New Dataset Title"
    },
    "files": {"enabled": true}
  }\'''',
            python='''\
import requests

url = "{{ config.SITE_API_URL }}/records"
headers = {
    "Authorization": "Bearer {your-access-token}",
    "Content-Type": "application/json",
}
data = {
    "metadata": {
        "creators": [
            {
                "person_or_org": {
                    "family_name": "Doe",
                    "given_name": "Jane",
                    "type": "personal",
                }
            }
        ],
        "publication_date": "2025-01-09",
        "publisher": "TU Wien",
        "resource_type": {"id": "dataset"},
        "title": "New Dataset Title",
    },
    "files": {"enabled": True},
}
response = requests.post(url, json=data, headers=headers)
print(response.json())''',
            expect=Expect(201, fields={"id": str, "metadata.title": str, "links.self": str},
                          checks=(equals("is_draft", True),)),
            bind={"record_id": "id"},
        ),
        Snippet(
            name="reserve-doi",
            title="Step 2: Request a DOI",
            method="POST",
            endpoint="/api/records/{record_id}/draft/pids/doi",
            curl='''\
curl -X POST "{{ config.SITE_API_URL }}/records/abcde-12345/draft/pids/doi" \\
  -H "Authorization: Bearer {your-access-token}"''',
            python='''\
import requests

url = "{{ config.SITE_API_URL }}/records/abcde-12345/draft/pids/doi"
headers = {
    "Authorization": "Bearer {your-access-token}",
}
response = requests.post(url, headers=headers)
print(response.json())''',
            expect=Expect(201, fields={"pids.doi.identifier": str, "pids.doi.provider": str},
                          checks=(equals("pids.doi.provider", "datacite"),)),
        ),
    ),
)
