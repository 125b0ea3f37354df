#!/bin/sh
# The periodic commands of docs/deployment.md for a compose deployment, where there is no
# cron: one tick a minute. Elsewhere, schedule the same commands with cron or systemd timers.
set -u
tick=0
while true; do
	python manage.py requeue_stalled_tasks
	if [ $((tick % 5)) -eq 0 ]; then python manage.py send_due_reminders; fi
	if [ $((tick % 15)) -eq 0 ]; then python manage.py refresh_soonest_slots; fi
	if [ $((tick % 1440)) -eq 0 ]; then
		python manage.py purge_anonymous_responses
		python manage.py prune_db_task_results --queue-name '*'
	fi
	tick=$((tick + 1))
	sleep 60
done
