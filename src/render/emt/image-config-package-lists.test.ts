import { describe, expect, it } from 'vitest';
import { addPackageListToImageConfig, detectIndent, normalizePackageListPath } from './image-config-package-lists.ts';

const ALL = new Set([0, 1, 2]);

const FOUR = `{
    "Disks": [
        {
            "PartitionTableType": "gpt"
        }
    ],
    "SystemConfigs": [
        {
            "Name": "Standard",
            "PackageLists": [
                "packagelists/core-packages-image.json",
                "packagelists/ssh-server.json"
            ],
            "PostInstallScripts": [
\t\t{
\t\t\t"Path": "additionalconfigs/add-sudoer.sh"
\t\t}
\t    ],
            "KernelCommandLine": {
                "ExtraCommandLine": "quiet"
            }
        }
    ]
}
`;

describe('adding a package list to an image config', () => {
  it('inserts only the new entry, indented like its neighbours', () => {
    const { text, systemConfigs } = addPackageListToImageConfig(FOUR, 'edge-image.json', 'packagelists/k3s.json', ALL);
    expect(text).toBe(
      FOUR.replace('"packagelists/ssh-server.json"\n', '"packagelists/ssh-server.json",\n                "packagelists/k3s.json"\n'),
    );
    expect(systemConfigs).toEqual([{ index: 0, name: 'Standard', state: 'added' }]);
  });

  it('changes no byte on a second run', () => {
    const once = addPackageListToImageConfig(FOUR, 'edge-image.json', 'packagelists/k3s.json', ALL).text;
    const twice = addPackageListToImageConfig(once, 'edge-image.json', 'packagelists/k3s.json', ALL);
    expect(twice.text).toBe(once);
    expect(twice.systemConfigs).toEqual([{ index: 0, name: 'Standard', state: 'already present' }]);
  });

  it('adds to the selected SystemConfigs that have PackageLists and leaves the others alone', () => {
    const text =
      '{\n  "SystemConfigs": [\n    {"Name": "A", "PackageLists": ["a.json"]},\n    {"Name": "B"},\n    {"Name": "C", "PackageLists": ["./k.json"]},\n    {"Name": "D", "PackageLists": ["d.json"]}\n  ]\n}\n';
    const edit = addPackageListToImageConfig(text, 'x.json', 'k.json', new Set([0, 2]));
    // A one-item list on one line gives no separator to copy, so none is added.
    expect(edit.text).toBe(text.replace('["a.json"]', '["a.json","k.json"]'));
    expect(edit.systemConfigs.map((s) => [s.name, s.state])).toEqual([
      ['A', 'added'],
      ['C', 'already present'],
      ['D', 'not selected'],
    ]);
  });

  it('treats ./packagelists/k3s.json and packagelists/k3s.json as the same entry', () => {
    expect(normalizePackageListPath('./packagelists//k3s.json')).toBe('packagelists/k3s.json');
    expect(normalizePackageListPath('packagelists/../packagelists/k3s.json')).toBe('packagelists/k3s.json');
    const once = addPackageListToImageConfig(FOUR, 'edge-image.json', './packagelists/k3s.json', ALL).text;
    expect(once).toContain('"packagelists/k3s.json"');
    expect(addPackageListToImageConfig(once, 'edge-image.json', 'packagelists/k3s.json', ALL).text).toBe(once);
  });

  it("fills an empty list one indent unit deeper than its line, with the file's indent and line endings", () => {
    const text = '{\r\n  "SystemConfigs": [\r\n    {\r\n      "PackageLists": []\r\n    }\r\n  ]\r\n}\r\n';
    expect(addPackageListToImageConfig(text, 'x.json', 'k.json', ALL).text).toBe(
      text.replace('"PackageLists": []', '"PackageLists": [\r\n        "k.json"\r\n      ]'),
    );
  });

  it('keeps a one-line file on one line', () => {
    expect(addPackageListToImageConfig('{"SystemConfigs":[{"PackageLists":[]}]}', 'x.json', 'k.json', ALL).text).toBe(
      '{"SystemConfigs":[{"PackageLists":["k.json"]}]}',
    );
  });

  it('reports a file without SystemConfigs[].PackageLists and leaves it as it is', () => {
    const text = '{"packages": ["k3s"]}';
    expect(addPackageListToImageConfig(text, 'x.json', 'k.json', ALL)).toEqual({ text, systemConfigs: [] });
  });

  it('names the field when PackageLists is not a list of paths', () => {
    expect(() => addPackageListToImageConfig('{"SystemConfigs":[{"PackageLists":"a.json"}]}', 'x.json', 'k.json', ALL)).toThrow(
      'x.json: SystemConfigs/0/PackageLists must be a list of package list paths',
    );
  });

  it('detects the indent unit of a file', () => {
    expect(detectIndent(FOUR)).toBe('    ');
    expect(detectIndent('{\n  "a": 1\n}')).toBe('  ');
    expect(detectIndent('{\n\t"a": 1\n}')).toBe('\t');
  });
});
