#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: whmkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: account_info
short_description: Read cPanel accounts with whmkit
description:
  - Returns one account (C(accountsummary)) or all accounts, optionally filtered (C(listaccts)).
version_added: "0.1.0"
author:
  - whmkit contributors (@whmkit)
extends_documentation_fragment:
  - whmkit.cpanel.connection
options:
  name:
    description:
      - User name of one account. Not given, all accounts are listed.
    type: str
    aliases: [user]
  search:
    description:
      - Regular expression on the user names (C(listaccts search), C(searchtype=user)).
    type: str
'''

EXAMPLES = r'''
- name: All accounts
  whmkit.cpanel.account_info:
  register: info

- name: bob's account
  whmkit.cpanel.account_info:
    name: bob
  register: bob
'''

RETURN = r'''
accounts:
  description: The accounts, as C(accountsummary) or C(listaccts) report them.
  returned: always
  type: list
  elements: dict
exists:
  description: With C(name), whether the account exists.
  returned: when name is given
  type: bool
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.whmkit.cpanel.plugins.module_utils.whmkit import Client, WhmkitError, argspec, as_list


def main():
    module = AnsibleModule(
        argument_spec=argspec(
            name=dict(type='str', aliases=['user']),
            search=dict(type='str'),
        ),
        supports_check_mode=True,
    )
    p = module.params
    client = Client(module)
    try:
        if p['name']:
            res = client.read('whmapi1', 'accountsummary', dict(user=p['name']))
            accounts = as_list(res.data, 'acct') if res.ok else []
            module.exit_json(changed=False, accounts=accounts, exists=bool(accounts))
        params = dict(search=p['search'], searchtype='user') if p['search'] else {}
        res = client.call('whmapi1', 'listaccts', params)
        module.exit_json(changed=False, accounts=as_list(res.data, 'acct'))
    except WhmkitError as e:
        module.fail_json(msg=e.message)


if __name__ == '__main__':
    main()
