// OS detection from synthetic files: real os-release contents of distributions that are not in
// the shared images, the release files, and resolveOs' precedence rules.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { OsCandidate } from '../../model/package.ts'
import { osReleaseAnalyzer } from './os-release-analyzer.ts'
import { releaseFileAnalyzer } from './release-file-analyzer.ts'
import { resolveOs } from './resolve-os.ts'
import { analysisInput } from './testing/image-files.ts'

async function candidate(path: string, text: string): Promise<OsCandidate | undefined> {
  const a = path.endsWith('os-release') ? osReleaseAnalyzer : releaseFileAnalyzer
  return (await a.analyze(analysisInput(path, new TextEncoder().encode(text))))?.osCandidate
}

async function detect(files: Record<string, string>, extra: OsCandidate[] = []) {
  const c: OsCandidate[] = [...extra]
  for (const [p, t] of Object.entries(files)) {
    const x = await candidate(p, t)
    if (x) c.push(x)
  }
  return resolveOs(c)
}

const OS_RELEASES: [string, string, string, string, string, string?][] = [
  // [label, os-release, family, version, release, codename]
  ['Ubuntu 22.04', 'PRETTY_NAME="Ubuntu 22.04.4 LTS"\nNAME="Ubuntu"\nVERSION_ID="22.04"\nVERSION="22.04.4 LTS (Jammy Jellyfish)"\nVERSION_CODENAME=jammy\nID=ubuntu\nID_LIKE=debian\nHOME_URL="https://www.ubuntu.com/"\nUBUNTU_CODENAME=jammy\n', 'ubuntu', '22.04.4', '22.04', 'jammy'],
  ['Rocky 9', 'NAME="Rocky Linux"\nVERSION="9.3 (Blue Onyx)"\nID="rocky"\nID_LIKE="rhel centos fedora"\nVERSION_ID="9.3"\nPLATFORM_ID="platform:el9"\nPRETTY_NAME="Rocky Linux 9.3 (Blue Onyx)"\n', 'rocky', '9.3', '9'],
  ['AlmaLinux 9', 'NAME="AlmaLinux"\nVERSION="9.3 (Shamrock Pampas Cat)"\nID="almalinux"\nID_LIKE="rhel centos fedora"\nVERSION_ID="9.3"\n', 'alma', '9.3', '9'],
  ['RHEL 8 (UBI)', 'NAME="Red Hat Enterprise Linux"\nVERSION="8.9 (Ootpa)"\nID="rhel"\nID_LIKE="fedora"\nVERSION_ID="8.9"\nPLATFORM_ID="platform:el8"\nPRETTY_NAME="Red Hat Enterprise Linux 8.9 (Ootpa)"\n', 'rhel', '8.9', '8'],
  ['Amazon Linux 2023', 'NAME="Amazon Linux"\nVERSION="2023"\nID="amzn"\nID_LIKE="fedora"\nVERSION_ID="2023"\nPLATFORM_ID="platform:al2023"\nPRETTY_NAME="Amazon Linux 2023.3.20240219"\n', 'amazon', '2023', '2023'],
  ['Amazon Linux 2', 'NAME="Amazon Linux"\nVERSION="2"\nID="amzn"\nID_LIKE="centos rhel fedora"\nVERSION_ID="2"\nPRETTY_NAME="Amazon Linux 2"\n', 'amazon', '2', '2'],
  ['Amazon Linux 1', 'NAME="Amazon Linux AMI"\nVERSION="2018.03"\nID="amzn"\nID_LIKE="rhel fedora"\nVERSION_ID="2018.03"\nPRETTY_NAME="Amazon Linux AMI 2018.03"\n', 'amazon', '2018.03', '1'],
  ['Fedora 39', 'NAME="Fedora Linux"\nVERSION="39 (Container Image)"\nID=fedora\nVERSION_ID=39\nVERSION_CODENAME=""\nPLATFORM_ID="platform:f39"\nPRETTY_NAME="Fedora Linux 39 (Container Image)"\n', 'fedora', '39', '39'],
  ['Oracle Linux 9', 'NAME="Oracle Linux Server"\nVERSION="9.3"\nID="ol"\nID_LIKE="fedora"\nVARIANT="Server"\nVERSION_ID="9.3"\nPRETTY_NAME="Oracle Linux Server 9.3"\n', 'oracle', '9.3', '9'],
  ['openSUSE Leap 15.5', 'NAME="openSUSE Leap"\nVERSION="15.5"\nID="opensuse-leap"\nID_LIKE="suse opensuse"\nVERSION_ID="15.5"\nPRETTY_NAME="openSUSE Leap 15.5"\n', 'opensuse', '15.5', '15.5'],
  ['openSUSE Tumbleweed', 'NAME="openSUSE Tumbleweed"\n# VERSION="20240303"\nID="opensuse-tumbleweed"\nID_LIKE="opensuse suse"\nVERSION_ID="20240303"\nPRETTY_NAME="openSUSE Tumbleweed"\n', 'opensuse', '20240303', 'tumbleweed'],
  ['Azure Linux 3.0', 'NAME="Microsoft Azure Linux"\nVERSION="3.0.20240401"\nID=azurelinux\nVERSION_ID="3.0"\nPRETTY_NAME="Microsoft Azure Linux 3.0"\n', 'azurelinux', '3.0.20240401', '3.0'],
  ['Wolfi', 'ID=wolfi\nNAME="Wolfi"\nPRETTY_NAME="Wolfi"\nVERSION_ID="20230201"\nHOME_URL="https://wolfi.dev"\n', 'wolfi', '20230201', 'rolling'],
  ['Chainguard', 'ID=chainguard\nNAME="Chainguard"\nPRETTY_NAME="Chainguard"\nVERSION_ID="20230214"\nHOME_URL="https://chainguard.dev/"\n', 'chainguard', '20230214', 'rolling'],
  ['Photon 5.0', 'NAME="VMware Photon OS"\nVERSION="5.0"\nID=photon\nVERSION_ID=5.0\nPRETTY_NAME="VMware Photon OS/Linux"\n', 'photon', '5.0', '5.0'],
]

describe('os-release of other distributions', () => {
  for (const [label, text, family, version, release, codename] of OS_RELEASES) {
    it(label, async () => {
      const os = await detect({ 'etc/os-release': text })
      assert.equal(os?.family, family)
      assert.equal(os?.version, version)
      assert.equal(os?.release, release)
      assert.equal(os?.codename, codename)
    })
  }
})

describe('release files', () => {
  it('lsb-release alone (Ubuntu)', async () => {
    const os = await detect({ 'etc/lsb-release': 'DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=20.04\nDISTRIB_CODENAME=focal\nDISTRIB_DESCRIPTION="Ubuntu 20.04.6 LTS"\n' })
    assert.deepEqual(os, { family: 'ubuntu', version: '20.04', release: '20.04', codename: 'focal', prettyName: 'Ubuntu 20.04.6 LTS' })
  })
  it('SuSE-release (SLES 12 SP3): VERSION + PATCHLEVEL', async () => {
    const os = await detect({ 'etc/SuSE-release': 'SUSE Linux Enterprise Server 12 (x86_64)\nVERSION = 12\nPATCHLEVEL = 3\n# This file is deprecated\n' })
    assert.equal(os?.family, 'sles')
    assert.equal(os?.version, '12.3')
  })
  for (const [text, family, version, release] of [
    ['Red Hat Enterprise Linux Server release 7.9 (Maipo)', 'rhel', '7.9', '7'],
    ['CentOS Stream release 9', 'centos', '9', '9'],
    ['Rocky Linux release 8.9 (Green Obsidian)', 'rocky', '8.9', '8'],
    ['Amazon Linux release 2 (Karoo)', 'amazon', '2', '2'],
    ['Oracle Linux Server release 7.9', 'oracle', '7.9', '7'],
    ['Fedora release 39 (Thirty Nine)', 'fedora', '39', '39'],
  ] as const) {
    it(`redhat-release: ${text}`, async () => {
      const os = await detect({ 'etc/redhat-release': `${text}\n` })
      assert.deepEqual([os?.family, os?.version, os?.release], [family, version, release])
    })
  }
})

describe('resolveOs precedence', () => {
  it('Ubuntu: os-release wins over debian_version ("bookworm/sid")', async () => {
    const os = await detect({
      'etc/debian_version': 'bookworm/sid\n',
      'etc/os-release': 'ID=ubuntu\nVERSION_ID="24.04"\nVERSION="24.04.1 LTS (Noble Numbat)"\nVERSION_CODENAME=noble\n',
    })
    assert.deepEqual([os?.family, os?.version, os?.release, os?.codename], ['ubuntu', '24.04.1', '24.04', 'noble'])
  })
  it('etc/os-release wins over usr/lib/os-release when they disagree', async () => {
    const os = await detect({ 'usr/lib/os-release': 'ID=fedora\nVERSION_ID=38\n', 'etc/os-release': 'ID=rocky\nVERSION_ID="9.3"\n' })
    assert.equal(os?.family, 'rocky')
  })
  it('a contradicting release file does not change the version', async () => {
    const os = await detect({ 'etc/os-release': 'ID=centos\nVERSION_ID="7"\n', 'etc/centos-release': 'CentOS Linux release 8.5.2111\n' })
    assert.deepEqual([os?.version, os?.release], ['7', '7'])
  })
  it('distroless: status.d without status, plus os-release', async () => {
    const osr = 'PRETTY_NAME="Distroless"\nNAME="Debian GNU/Linux"\nID="debian"\nVERSION_ID="12"\nVERSION="Debian GNU/Linux 12 (bookworm)"\n'
    const marker = { source: 'var/lib/dpkg/status.d/libc6', distroless: true }
    const os = await detect({ 'etc/os-release': osr, 'etc/debian_version': '12.5\n' }, [marker])
    assert.deepEqual(os, { family: 'debian', version: '12.5', release: '12', prettyName: 'Distroless', distroless: true })
    const full = await detect({ 'etc/os-release': osr }, [marker, { source: 'var/lib/dpkg/status', distroless: false }])
    assert.equal(full?.distroless, undefined)
  })
  it('no candidates, unknown IDs and garbage give no OS and never throw', async () => {
    assert.equal(resolveOs([]), undefined)
    assert.equal(await detect({ 'etc/os-release': 'ID=plan9\nVERSION_ID=4\n' }), undefined)
    const junk = new Uint8Array(4096).map((_, i) => (i * 7919) % 256)
    for (const p of ['etc/os-release', 'etc/alpine-release', 'etc/redhat-release', 'etc/SuSE-release', 'etc/lsb-release', 'etc/debian_version']) {
      const a = p.endsWith('os-release') ? osReleaseAnalyzer : releaseFileAnalyzer
      assert.equal(await a.analyze(analysisInput(p, junk)), undefined)
    }
  })
  it('os-release quoting rules', async () => {
    const os = await detect({ 'etc/os-release': "# comment\nID='alpine'\nVERSION_ID=3.18.6\nPRETTY_NAME=\"Alpine \\\"Linux\\\" v3.18\"\nBROKEN\n" })
    assert.deepEqual(os, { family: 'alpine', version: '3.18.6', release: '3.18', prettyName: 'Alpine "Linux" v3.18' })
  })
})
