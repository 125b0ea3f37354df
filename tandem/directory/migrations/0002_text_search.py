from django.db import migrations


def install(apps, schema_editor):
    from tandem.directory import textsearch

    textsearch.install(schema_editor)


def uninstall(apps, schema_editor):
    from tandem.directory import textsearch

    textsearch.uninstall(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall, elidable=False)]
