#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: whmkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: server_info
short_description: Read facts about a whmkit server
description:
  - Returns the version (C(version)), host name (C(gethostname)), load averages (C(systemloadavg)),
    IP addresses (C(listips)) and account counts (C(listaccts)) of the server.
version_added: "0.1.0"
author:
  - whmkit contributors (@whmkit)
extends_documentation_fragment:
  - whmkit.cpanel.connection
options: {}
'''

EXAMPLES = r'''
- name: Facts about the server
  whmkit.cpanel.server_info:
  register: server
'''

RETURN = r'''
version:
  description: whmkit's version.
  returned: always
  type: str
hostname:
  description: The server's host name.
  returned: always
  type: str
loadavg:
  description: Load averages (C(one), C(five), C(fifteen)).
  returned: always
  type: dict
ips:
  description: The server's IP addresses as C(listips) reports them.
  returned: always
  type: list
  elements: dict
accounts:
  description: Number of accounts and of suspended accounts.
  returned: always
  type: dict
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.whmkit.cpanel.plugins.module_utils.whmkit import Client, WhmkitError, argspec, as_list


def main():
    module = AnsibleModule(argument_spec=argspec(), supports_check_mode=True)
    client = Client(module)
    try:
        version = (client.call('whmapi1', 'version').data or {}).get('version')
        hostname = (client.call('whmapi1', 'gethostname').data or {}).get('hostname')
        loadavg = client.call('whmapi1', 'systemloadavg').data or {}
        ips = as_list(client.call('whmapi1', 'listips').data, 'ip')
        accts = as_list(client.call('whmapi1', 'listaccts', dict(want='user,suspended')).data, 'acct')
    except WhmkitError as e:
        module.fail_json(msg=e.message)
    suspended = len([a for a in accts if str(a.get('suspended')) == '1'])
    module.exit_json(changed=False, version=version, hostname=hostname, loadavg=loadavg, ips=ips,
                     accounts=dict(total=len(accts), suspended=suspended))


if __name__ == '__main__':
    main()
