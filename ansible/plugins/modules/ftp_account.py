#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: whmkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: ftp_account
short_description: Manage an FTP account of a cPanel account with whmkit
description:
  - Adds an FTP account with UAPI C(Ftp::add_ftp), changes its quota (C(Ftp::set_quota)), home directory
    (C(Ftp::set_homedir)) and password (C(Ftp::passwd)), removes it with C(Ftp::delete_ftp).
version_added: "0.1.0"
author:
  - whmkit contributors (@whmkit)
extends_documentation_fragment:
  - whmkit.cpanel.connection
options:
  user:
    description:
      - cPanel account that owns the FTP account.
    type: str
    required: true
  name:
    description:
      - Login of the FTP account without the domain.
    type: str
    required: true
  domain:
    description:
      - Domain of the login. By default the account's main domain (or the only FTP account of that name).
    type: str
  password:
    description:
      - Password. Required to add the account.
    type: str
  update_password:
    description:
      - C(always) sets the password on every run (always changed), C(on_create) only when the account is added.
    type: str
    choices: [always, on_create]
    default: on_create
  quota:
    description:
      - Quota in MB, 0 for unlimited.
    type: int
  homedir:
    description:
      - Home directory, relative to the account's home directory.
    type: str
  state:
    description:
      - Whether the FTP account exists.
    type: str
    choices: [present, absent]
    default: present
  destroy:
    description:
      - With C(state=absent), also remove the home directory.
    type: bool
    default: false
'''

EXAMPLES = r'''
- name: A deploy login for bob
  whmkit.cpanel.ftp_account:
    user: bob
    name: deploy
    password: "{{ vault_deploy_password }}"
    quota: 500
    homedir: public_html
'''

RETURN = r'''
ftp_account:
  description: The FTP account as C(Ftp::list_ftp_with_disk) reported it before the run.
  returned: when it existed
  type: dict
calls:
  description: The writing calls made (planned, in check mode), secrets masked.
  returned: always
  type: list
  elements: dict
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.whmkit.cpanel.plugins.module_utils.whmkit import Runner, argspec, as_list


def quota_mb(value):
    if value in (None, '', 'unlimited'):
        return 0
    try:
        return int(float(value))
    except ValueError:
        return value


def main():
    module = AnsibleModule(
        argument_spec=argspec(
            user=dict(type='str', required=True),
            name=dict(type='str', required=True),
            domain=dict(type='str'),
            password=dict(type='str', no_log=True),
            update_password=dict(type='str', default='on_create', choices=['always', 'on_create'], no_log=False),
            quota=dict(type='int'),
            homedir=dict(type='str'),
            state=dict(type='str', default='present', choices=['present', 'absent']),
            destroy=dict(type='bool', default=False),
        ),
        supports_check_mode=True,
    )
    p = module.params
    r = Runner(module)
    user, name = p['user'], p['name'].lower()
    rows = as_list(r.get_or_assume('the account %s' % user, 'uapi', 'list_ftp_with_disk', user=user, module='Ftp'))
    found = []
    for row in rows:
        login = str(row.get('login', ''))
        if row.get('type') in ('main', 'logaccess', 'anonymous') or '@' not in login:
            continue
        local, dom = login.split('@', 1)
        if local.lower() == name and (p['domain'] is None or dom.lower() == p['domain'].lower()):
            found.append(row)
    if len(found) > 1:
        module.fail_json(msg='several FTP accounts are named %s: give domain' % name)
    row = found[0] if found else None
    domain = p['domain'] or (row['login'].split('@', 1)[1] if row else None)
    ident = dict(user=name)
    if domain:
        ident['domain'] = domain
    r.before = dict(state='absent') if row is None else dict(
        state='present', quota=quota_mb(row.get('diskquota')), homedir=row.get('reldir'))
    if p['state'] == 'absent':
        r.after = dict(state='absent')
        if row is not None:
            params = dict(ident, destroy=1 if p['destroy'] else 0)
            r.change('uapi', 'delete_ftp', params, user=user, module='Ftp')
        r.exit(ftp_account=row or {})
    r.after = dict(r.before, state='present')
    if row is None:
        if not p['password']:
            module.fail_json(msg='password is required to add the FTP account %s' % name)
        params = dict(ident, **{'pass': p['password']})
        if p['quota'] is not None:
            params['quota'] = p['quota']
        if p['homedir'] is not None:
            params['homedir'] = p['homedir']
        r.change('uapi', 'add_ftp', params, user=user, module='Ftp')
        r.after.update(quota=p['quota'] or 0, homedir=p['homedir'])
    else:
        if p['quota'] is not None and quota_mb(row.get('diskquota')) != p['quota']:
            r.change('uapi', 'set_quota', dict(ident, quota=p['quota']), user=user, module='Ftp')
            r.after['quota'] = p['quota']
        if p['homedir'] is not None and p['homedir'].strip('/') != str(row.get('reldir') or '').strip('/'):
            r.change('uapi', 'set_homedir', dict(ident, homedir=p['homedir']), user=user, module='Ftp')
            r.after['homedir'] = p['homedir']
        if p['password'] and p['update_password'] == 'always':
            r.change('uapi', 'passwd', dict(ident, **{'pass': p['password']}), user=user, module='Ftp')
    r.exit(ftp_account=row or {})


if __name__ == '__main__':
    main()
