#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: whmkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: cron_job
short_description: Manage a cron job of a cPanel account with whmkit
description:
  - Keeps one cron job of a cPanel account, identified by its command, with the schedule given, with
    UAPI C(Cron::add_line), C(Cron::edit_line), C(Cron::remove_line), read with C(Cron::list_cron).
version_added: "0.1.0"
author:
  - whmkit contributors (@whmkit)
extends_documentation_fragment:
  - whmkit.cpanel.connection
options:
  user:
    description:
      - cPanel account whose crontab it is.
    type: str
    required: true
  command:
    description:
      - Command of the job; it identifies the job.
    type: str
    required: true
  minute:
    description: Minute field.
    type: str
    default: "*"
  hour:
    description: Hour field.
    type: str
    default: "*"
  day:
    description: Day-of-month field.
    type: str
    default: "*"
  month:
    description: Month field.
    type: str
    default: "*"
  weekday:
    description: Day-of-week field.
    type: str
    default: "*"
  state:
    description:
      - Whether the job exists. C(absent) removes every job with that command.
    type: str
    choices: [present, absent]
    default: present
'''

EXAMPLES = r'''
- name: Nightly WordPress cron
  whmkit.cpanel.cron_job:
    user: bob
    command: /usr/local/bin/php ~/public_html/wp-cron.php
    minute: "15"
    hour: "3"
'''

RETURN = r'''
jobs:
  description: The jobs with that command before the run.
  returned: always
  type: list
  elements: dict
calls:
  description: The writing calls made (planned, in check mode), secrets masked.
  returned: always
  type: list
  elements: dict
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.whmkit.cpanel.plugins.module_utils.whmkit import Runner, argspec, as_list

FIELDS = ('minute', 'hour', 'day', 'month', 'weekday')


def main():
    module = AnsibleModule(
        argument_spec=argspec(
            user=dict(type='str', required=True),
            command=dict(type='str', required=True),
            minute=dict(type='str', default='*'),
            hour=dict(type='str', default='*'),
            day=dict(type='str', default='*'),
            month=dict(type='str', default='*'),
            weekday=dict(type='str', default='*'),
            state=dict(type='str', default='present', choices=['present', 'absent']),
        ),
        supports_check_mode=True,
    )
    p = module.params
    r = Runner(module)
    user = p['user']
    jobs = [j for j in as_list(r.get_or_assume('the account %s' % user, 'uapi', 'list_cron', user=user, module='Cron'))
            if isinstance(j, dict) and j.get('command') == p['command']]
    schedule = dict((f, p[f]) for f in FIELDS)

    def sched(job):
        return dict((f, str(job.get(f))) for f in FIELDS)

    r.before = dict(jobs=[sched(j) for j in jobs])
    if p['state'] == 'absent':
        r.after = dict(jobs=[])
        for job in reversed(jobs):
            r.change('uapi', 'remove_line', dict(linekey=job.get('linekey')), user=user, module='Cron')
        r.exit(jobs=jobs)
    r.after = dict(jobs=[schedule])
    if not jobs:
        r.change('uapi', 'add_line', dict(schedule, command=p['command']), user=user, module='Cron')
    else:
        if sched(jobs[0]) != schedule:
            r.change('uapi', 'edit_line', dict(schedule, command=p['command'], linekey=jobs[0].get('linekey')),
                     user=user, module='Cron')
        for job in reversed(jobs[1:]):
            r.change('uapi', 'remove_line', dict(linekey=job.get('linekey')), user=user, module='Cron')
    r.exit(jobs=jobs)


if __name__ == '__main__':
    main()
