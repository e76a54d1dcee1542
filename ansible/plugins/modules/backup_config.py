#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: whmkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: backup_config
short_description: Manage the server's backup configuration with whmkit
description:
  - Reads the backup configuration with C(backup_config_get) and sets the settings that differ with C(backup_config_set).
version_added: "0.1.0"
author:
  - whmkit contributors (@whmkit)
extends_documentation_fragment:
  - whmkit.cpanel.connection
options:
  settings:
    description:
      - Settings as C(backup_config_set) names them, for example C(backupenable), C(backupdays),
        C(backup_daily_retention), C(backupdir). Only the settings given are compared and changed.
    type: dict
    required: true
'''

EXAMPLES = r'''
- name: Daily compressed backups, kept a week
  whmkit.cpanel.backup_config:
    settings:
      backupenable: 1
      backuptype: compressed
      backup_daily_enable: 1
      backup_daily_retention: 7
'''

RETURN = r'''
backup_config:
  description: The whole configuration before the run.
  returned: always
  type: dict
calls:
  description: The writing calls made (planned, in check mode), secrets masked.
  returned: always
  type: list
  elements: dict
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.whmkit.cpanel.plugins.module_utils.whmkit import Runner, argspec, dict_changes


def main():
    module = AnsibleModule(
        argument_spec=argspec(settings=dict(type='dict', required=True)),
        supports_check_mode=True,
    )
    r = Runner(module)
    data = r.get('whmapi1', 'backup_config_get') or {}
    current = data.get('backup_config') or {}
    wanted = module.params['settings']
    r.before = dict((k, current.get(k)) for k in wanted)
    r.after = dict(wanted)
    changes = dict_changes(current, wanted)
    if changes:
        r.change('whmapi1', 'backup_config_set', changes)
    r.exit(backup_config=current)


if __name__ == '__main__':
    main()
