#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: whmkit contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: ssl_certificate
short_description: Install an SSL certificate on a web virtual host with whmkit
description:
  - Installs a certificate, its key and CA bundle on a domain's SSL virtual host with C(installssl) when the
    installed certificate (read with C(fetch_vhost_ssl_components)) differs; removes the SSL host with
    C(delete_ssl_vhost).
version_added: "0.1.0"
author:
  - whmkit contributors (@whmkit)
extends_documentation_fragment:
  - whmkit.cpanel.connection
options:
  domain:
    description:
      - Domain of the virtual host.
    type: str
    required: true
  certificate:
    description:
      - The certificate, PEM. Required with C(state=present).
    type: str
  private_key:
    description:
      - Its private key, PEM. Required with C(state=present).
    type: str
  ca_bundle:
    description:
      - The CA bundle, PEM.
    type: str
  state:
    description:
      - Whether the SSL virtual host exists with that certificate.
    type: str
    choices: [present, absent]
    default: present
'''

EXAMPLES = r'''
- name: The shop's certificate
  whmkit.cpanel.ssl_certificate:
    domain: shop.example
    certificate: "{{ lookup('file', 'certs/shop.example.crt') }}"
    private_key: "{{ lookup('file', 'certs/shop.example.key') }}"
    ca_bundle: "{{ lookup('file', 'certs/ca.pem') }}"
'''

RETURN = r'''
certificate_id:
  description: Id of the certificate installed before the run.
  returned: when the host had one
  type: str
calls:
  description: The writing calls made (planned, in check mode), secrets masked.
  returned: always
  type: list
  elements: dict
'''

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.whmkit.cpanel.plugins.module_utils.whmkit import Runner, argspec, as_list


def pem(text):
    return '\n'.join(line.strip() for line in (text or '').strip().splitlines() if line.strip())


def main():
    module = AnsibleModule(
        argument_spec=argspec(
            domain=dict(type='str', required=True),
            certificate=dict(type='str'),
            private_key=dict(type='str', no_log=True),
            ca_bundle=dict(type='str'),
            state=dict(type='str', default='present', choices=['present', 'absent']),
        ),
        required_if=[('state', 'present', ['certificate', 'private_key'])],
        supports_check_mode=True,
    )
    p = module.params
    r = Runner(module)
    domain = p['domain'].lower()
    components = as_list(r.get('whmapi1', 'fetch_vhost_ssl_components'), 'components')
    host = next((c for c in components if isinstance(c, dict) and str(c.get('servername', '')).lower() == domain), None)
    r.before = dict(state='absent') if host is None else dict(
        state='present', certificate=pem(host.get('certificate')), ca_bundle=pem(host.get('cabundle')))
    if p['state'] == 'absent':
        r.after = dict(state='absent')
        if host is not None:
            r.change('whmapi1', 'delete_ssl_vhost', dict(host=domain))
        r.exit(certificate_id=(host or {}).get('certificate_id'))
    r.after = dict(state='present', certificate=pem(p['certificate']), ca_bundle=pem(p['ca_bundle']))
    same = (host is not None and pem(host.get('certificate')) == pem(p['certificate'])
            and pem(host.get('key')) == pem(p['private_key'])
            and (p['ca_bundle'] is None or pem(host.get('cabundle')) == pem(p['ca_bundle'])))
    if not same:
        params = dict(domain=domain, crt=p['certificate'], key=p['private_key'])
        if p['ca_bundle']:
            params['cab'] = p['ca_bundle']
        r.change('whmapi1', 'installssl', params)
    r.exit(certificate_id=(host or {}).get('certificate_id'))


if __name__ == '__main__':
    main()
