"""Comments and the content version now belong to the comments and pagecache apps.

State only: their tables stay as they are (see comments/0001 and pagecache/0001).
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0011_content_version"),
        ("comments", "0001_initial"),
        ("pagecache", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="PendingComment"),
                migrations.DeleteModel(name="Comment"),
                migrations.DeleteModel(name="ContentVersion"),
            ],
            database_operations=[],
        ),
    ]
