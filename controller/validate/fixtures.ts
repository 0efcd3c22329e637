// A valid example of every kind with a built-in schema, as YAML documents. Used by the
// tests, and a reference for what each kind looks like.

const meta = (name: string, policy = 'cleartext') =>
  `metadata:\n  schema: metadata/Document/v1\n  name: ${name}\n  storagePolicy: ${policy}\n  layeringDefinition:\n    abstract: false\n    layer: site\n`;
const control = (name: string) => `metadata:\n  schema: metadata/Control/v1\n  name: ${name}\n`;

export const VALID_EXAMPLES: Record<string, string> = {
  'deckhand/LayeringPolicy/v1': `schema: deckhand/LayeringPolicy/v1\n${control('layering-policy')}data:\n  layerOrder: [global, type, site]\n`,
  'deckhand/DataSchema/v1': `schema: deckhand/DataSchema/v1\n${control('example/Thing/v1')}data:\n  $schema: http://json-schema.org/draft-04/schema#\n  type: object\n  properties:\n    size: {type: integer}\n`,
  'deckhand/ValidationPolicy/v1': `schema: deckhand/ValidationPolicy/v1\n${control('site-deploy-ready')}data:\n  validations:\n    - name: deckhand-schema-validation\n    - name: drydock-site-validation\n      expiresAfter: P1W\n`,
  'deckhand/Passphrase/v1': `schema: deckhand/Passphrase/v1\n${meta('ipmi-password', 'encrypted')}data: s3cr3t\n`,
  'deckhand/Certificate/v1': `schema: deckhand/Certificate/v1\n${meta('apiserver', 'cleartext')}data: |\n  -----BEGIN CERTIFICATE-----\n  MIIB\n  -----END CERTIFICATE-----\n`,
  'deckhand/CertificateKey/v1': `schema: deckhand/CertificateKey/v1\n${meta('apiserver', 'encrypted')}data: key\n`,
  'deckhand/CertificateAuthority/v1': `schema: deckhand/CertificateAuthority/v1\n${meta('kubernetes', 'cleartext')}data: ca\n`,
  'deckhand/CertificateAuthorityKey/v1': `schema: deckhand/CertificateAuthorityKey/v1\n${meta('kubernetes', 'encrypted')}data: ca-key\n`,
  'deckhand/PrivateKey/v1': `schema: deckhand/PrivateKey/v1\n${meta('service-account', 'encrypted')}data: private\n`,
  'deckhand/PublicKey/v1': `schema: deckhand/PublicKey/v1\n${meta('service-account', 'cleartext')}data: public\n`,
  'armada/Manifest/v1': `schema: armada/Manifest/v1\n${meta('site-manifest')}data:\n  release_prefix: slipway\n  chart_groups:\n    - infra\n    - apps\n`,
  'armada/ChartGroup/v1': `schema: armada/ChartGroup/v1\n${meta('infra')}data:\n  description: Infrastructure\n  sequenced: true\n  test_charts: false\n  chart_group:\n    - ingress\n`,
  'armada/Chart/v1': `schema: armada/Chart/v1
${meta('ingress')}data:
  chart_name: ingress
  release: ingress
  namespace: kube-system
  timeout: 300
  install:
    no_hooks: false
  upgrade:
    no_hooks: false
    pre:
      delete:
        - name: ingress-test
          type: job
          labels:
            app: ingress
    options:
      force: true
  wait:
    timeout: 600
    labels:
      release_group: slipway-ingress
    resources:
      - type: deployment
        min_ready: 50%
      - type: job
    native:
      enabled: false
  test:
    enabled: true
    timeout: 120
  protected:
    continue_processing: true
  values:
    replicas: 2
  dependencies:
    - helm-toolkit
  source:
    type: local
    location: charts
    subpath: ingress
    reference: main
`,
  'drydock/BaremetalNode/v1': `schema: drydock/BaremetalNode/v1
${meta('node01')}data:
  host_profile: cp
  hardware_profile: generic
  primary_network: oam
  addressing:
    - network: oob
      address: 10.0.0.11
    - network: oam
      address: 10.1.0.11
  oob:
    type: redfish
    network: oob
    account: admin
    credential: ipmi-password
  metadata:
    rack: rack01
    tags: [masters]
    boot_mac: "52:54:00:12:34:56"
  interfaces:
    eno1:
      device_link: oam-link
      networks: [oam]
  storage:
    physical_devices:
      sda:
        labels: {bootdrive: "true"}
        partitions:
          - name: root
            size: 30g
            bootable: true
            filesystem: {mountpoint: /, fstype: ext4}
  platform:
    image: jammy
    kernel: hwe-22.04
    kernel_params: {console: ttyS0}
`,
  'pegleg/SiteDefinition/v1': `schema: pegleg/SiteDefinition/v1\n${meta('lab')}data:\n  site_type: edge\n  revision: v1.0\n`,
  'shipyard/DeploymentConfiguration/v1': `schema: shipyard/DeploymentConfiguration/v1
${meta('deployment-configuration')}data:
  physical_provisioner:
    deployment_strategy: all-at-once
    deploy_interval: 30
  kubernetes:
    node_status_timeout: 1800
  armada:
    manifest: site-manifest
    post_apply_timeout: 1800
`,
  'slipway/BaremetalHost/v1': `schema: slipway/BaremetalHost/v1
${meta('node01')}data:
  node: node01
  bmc:
    address: redfish+https://10.0.0.11/redfish/v1/Systems/1
    credentials:
      username: admin
      password: s3cr3t
    disableCertificateVerification: true
  bootMACAddress: "52:54:00:12:34:56"
  bootMode: UEFI
  image:
    url: http://images.lab/jammy.qcow2
    checksum: http://images.lab/jammy.qcow2.sha256
    checksumType: sha256
    diskFormat: qcow2
  userData: "#cloud-config\\n"
  online: true
  inspect: false
  rootDeviceHints:
    deviceName: /dev/sda
    minSizeGigabytes: 20
`,
};
