import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0001_initial"),
        ("customers", "0005_relationships"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ClassificationRules',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version', models.PositiveIntegerField(unique=True, verbose_name='version')),
                ('rules', models.JSONField(default=dict, verbose_name='rules')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='saved')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='saved by')),
            ],
            options={
                'verbose_name': 'classification rules',
                'verbose_name_plural': 'classification rules',
                'ordering': ['-version'],
            },
        ),
        migrations.CreateModel(
            name='CustomerClass',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('purchase', models.CharField(choices=[('regular', 'Regular'), ('occasional', 'Occasional'), ('potential', 'Potential'), ('lost', 'Lost')], max_length=12, verbose_name='purchase behaviour')),
                ('value', models.CharField(choices=[('high', 'High value'), ('medium', 'Medium value'), ('low', 'Low value'), ('negative', 'Negative value')], max_length=10, verbose_name='value')),
                ('needs', models.CharField(blank=True, choices=[('functional', 'Functional'), ('quality', 'Quality'), ('emotional', 'Emotional'), ('social', 'Social')], max_length=12, verbose_name='needs')),
                ('loyalty', models.CharField(choices=[('high', 'High loyalty'), ('medium', 'Medium loyalty'), ('low', 'Low loyalty'), ('none', 'No loyalty')], max_length=8, verbose_name='loyalty')),
                ('stage', models.CharField(choices=[('potential', 'Potential'), ('new', 'New'), ('growth', 'Growth'), ('mature', 'Mature'), ('decline', 'Decline'), ('churned', 'Churned')], max_length=10, verbose_name='lifecycle stage')),
                ('stage_since', models.DateField(verbose_name='in this stage since')),
                ('is_key_account', models.BooleanField(default=False, verbose_name='key account')),
                ('key_reasons', models.JSONField(blank=True, default=list, verbose_name='key-account reasons')),
                ('inputs', models.JSONField(default=dict, verbose_name='inputs')),
                ('margin', models.DecimalField(decimal_places=2, default=0, max_digits=16, verbose_name='net value')),
                ('observation_end', models.DateField(verbose_name='data up to')),
                ('computed_at', models.DateTimeField(verbose_name='computed')),
                ('account', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='customer_class', to='customers.account', verbose_name='account')),
                ('rules', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='analytics.classificationrules', verbose_name='rules version')),
            ],
            options={
                'verbose_name': 'customer class',
                'verbose_name_plural': 'customer classes',
                'ordering': ['account_id'],
                'indexes': [models.Index(fields=['stage', 'account'], name='class_stage_idx'), models.Index(fields=['value', 'account'], name='class_value_idx'), models.Index(fields=['is_key_account', 'account'], name='class_key_idx')],
            },
        ),
        migrations.CreateModel(
            name='LifecycleTransition',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('from_stage', models.CharField(blank=True, choices=[('potential', 'Potential'), ('new', 'New'), ('growth', 'Growth'), ('mature', 'Mature'), ('decline', 'Decline'), ('churned', 'Churned')], max_length=10, verbose_name='from')),
                ('to_stage', models.CharField(choices=[('potential', 'Potential'), ('new', 'New'), ('growth', 'Growth'), ('mature', 'Mature'), ('decline', 'Decline'), ('churned', 'Churned')], max_length=10, verbose_name='to')),
                ('date', models.DateField(verbose_name='date')),
                ('reason', models.JSONField(default=dict, verbose_name='reason')),
                ('rules_version', models.PositiveIntegerField(default=1, verbose_name='rules version')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='recorded')),
                ('account', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='lifecycle_transitions', to='customers.account', verbose_name='account')),
            ],
            options={
                'verbose_name': 'lifecycle transition',
                'verbose_name_plural': 'lifecycle transitions',
                'ordering': ['-date', '-pk'],
                'indexes': [models.Index(fields=['account', '-date'], name='transition_account_idx'), models.Index(fields=['date'], name='transition_date_idx')],
            },
        ),
    ]
