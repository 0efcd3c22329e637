"""Emulated IPMI BMCs for Slipway's end-to-end tests (started by e2e/infra/ironic.sh).

Each BMC is a real IPMI 2.0 (RMCP+, lanplus) endpoint served by pyghmi's BMC
framework on 127.0.0.1:<port>/udp, in front of a pretend machine whose power
state and boot device live in a JSON file, so Ironic's `ipmi` hardware type
(ipmitool) can really enrol, power on/off and set the boot device of a node.
No VMs: nothing boots.

    python ipmi_bmc.py STATE_FILE NAME:PORT [NAME:PORT ...]

The credentials come from the environment (IPMI_USERNAME, IPMI_PASSWORD), never
from argv.
"""

import json
import os
import sys
import threading
import uuid

import pyghmi.ipmi.bmc as bmc

_lock = threading.Lock()


class StateFile:
    """Power state and boot device per machine, kept across restarts."""

    def __init__(self, path):
        self.path = path
        self.data = {}
        if os.path.exists(path):
            with open(path) as f:
                self.data = json.load(f)

    def machine(self, name):
        with _lock:
            m = self.data.setdefault(name, {})
            m.setdefault('power', 'off')
            m.setdefault('boot_device', 'default')
            m.setdefault('uuid', str(uuid.uuid5(uuid.NAMESPACE_URL, 'slipway-ipmi:' + name)))
            return m

    def update(self, name, **changes):
        with _lock:
            self.data[name].update(changes)
            tmp = self.path + '.tmp'
            with open(tmp, 'w') as f:
                json.dump(self.data, f, indent=2, sort_keys=True)
            os.replace(tmp, self.path)


class FakeMachineBmc(bmc.Bmc):
    def __init__(self, authdata, port, name, state):
        super().__init__(authdata, port=port, address='127.0.0.1')
        self.name = name
        self.state = state
        self.state.machine(name)

    def _power(self, value):
        print(f'{self.name}: power {value}', flush=True)
        self.state.update(self.name, power=value)

    def get_power_state(self):
        return self.state.machine(self.name)['power']

    def is_active(self):
        return self.get_power_state() == 'on'

    def power_on(self):
        self._power('on')

    def power_off(self):
        self._power('off')

    def power_shutdown(self):
        self._power('off')

    def power_cycle(self):
        # off then on; a machine that was off stays off (as IPMI specifies)
        if self.is_active():
            self._power('on')
        else:
            return 0xd5  # command not supported in present state

    def power_reset(self):
        if not self.is_active():
            return 0xd5
        self._power('on')

    def pulse_diag(self):
        return 0

    def cold_reset(self):
        return 0

    def get_system_guid(self):
        return uuid.UUID(self.state.machine(self.name)['uuid'])

    def get_boot_device(self):
        return self.state.machine(self.name)['boot_device']

    def set_boot_device(self, bootdevice):
        print(f'{self.name}: boot device {bootdevice}', flush=True)
        self.state.update(self.name, boot_device=bootdevice)


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 64
    user = os.environ.get('IPMI_USERNAME')
    password = os.environ.get('IPMI_PASSWORD')
    if not user or not password:
        print('IPMI_USERNAME and IPMI_PASSWORD must be set', file=sys.stderr)
        return 64
    state = StateFile(argv[1])
    for spec in argv[2:]:
        name, _, port = spec.rpartition(':')
        FakeMachineBmc({user: password}, int(port), name, state)
        print(f'{name}: IPMI BMC on 127.0.0.1:{port}/udp', flush=True)
    # One loop serves every BMC created above.
    bmc.Bmc.listen(timeout=30)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
