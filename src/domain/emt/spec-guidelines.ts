/**
 * The rules of the EMT toolkit's SPEC checker (toolkit/scripts/check_spec_guidelines.py and
 * spec_source_attributions.py), which needs the pyrpm Python package and so cannot always run: Distribution and
 * Vendor present and exactly EMT's, no `%patchN`, `Release: N%{?dist}`, a changelog that says the license was
 * verified and where the SPEC comes from. The toolchain-only `%patch -P` rule does not apply to package SPECs.
 * Every rule that fails is returned, as the checker prints every failure.
 */
import type { Problem } from '../problem.ts';

export const EMT_DISTRIBUTION = 'Edge Microvisor Toolkit';
export const EMT_VENDOR = 'Intel Corporation';

/** The changelog line that attributes an original SPEC (the checker's "Intel" attribution). */
export const EMT_ORIGINAL_SPEC_LINE = `Original version for ${EMT_DISTRIBUTION}.`;
export const LICENSE_VERIFIED_LINE = 'License verified.';

// Attributions the checker accepts (spec_source_attributions.py), matched against the changelog's text: the
// original and imported-from-Azure-Linux forms, the MIT imports (CentOS, Debian, Fedora), openSUSE and the
// source project. The checker's rarer vendor-specific ones (Ceph, NVIDIA, Photon, …) are not recognised here.
const IMPORT_TARGET = '(Edge Microvisor Toolkit|CBL-Mariner|Azure Linux)';
const ATTRIBUTIONS = [
  /\n-\s+(Original version for Edge Microvisor Toolkit)( \(license: MIT\))?(\.|\n|$)/,
  /\n-\s+(Original version for (CBL-Mariner|Azure Linux)|Initial (CBL-Mariner|Azure Linux|Edge Microvisor Toolkit) import from (CBL-Mariner|Azure Linux|Azure))( \(license: MIT\))?(\.|\n|$)/,
  new RegExp(`\\n-\\s+Initial ${IMPORT_TARGET} import from (CentOS \\d+|Debian source package|Fedora \\d+) \\(license: MIT\\)(\\.|\\n|$)`),
  new RegExp(`\\n-\\s+Initial ${IMPORT_TARGET} import from openSUSE \\w+ \\(license: same as "License" tag\\)(\\.|\\n|$)`),
  /\n-\s+Initial (Edge Microvisor Toolkit|Azure Linux) import from the source project \(license: same as "License" tag\)(\.|\n|$)/,
];

/** The problems the toolkit's checker would print for this SPEC text; empty when it passes. */
export function checkSpecGuidelines(text: string): Problem[] {
  const problems: Problem[] = [];
  const tagValues = (tag: string): string[] => [...text.matchAll(new RegExp(`^\\s*${tag}:\\s*(.*?)\\s*$`, 'gm'))].map((m) => m[1]!);
  for (const [tag, expected] of [
    ['Distribution', EMT_DISTRIBUTION],
    ['Vendor', EMT_VENDOR],
  ] as const) {
    const values = tagValues(tag);
    if (values.length === 0) problems.push({ field: tag, message: `missing '${tag}' tag; expected '${tag}: ${expected}'` });
    for (const value of values.filter((v) => v !== expected && v !== ''))
      problems.push({ field: tag, message: `invalid '${tag}' tag '${value}'; expected '${tag}: ${expected}'` });
  }
  if (/^\s*%patch\d/m.test(text))
    problems.push({ field: '%patch', message: "deprecated '%patch<number>' format; write '%patch <number>' or '%patch -P <number>'" });
  // The checker reads the first Release tag unexpanded.
  const release = tagValues('Release')[0];
  if (release === undefined || !/^[1-9]\d*%\{\?dist\}$/.test(release))
    problems.push({
      field: 'Release',
      message: `invalid 'Release' tag '${release ?? ''}'; expected '<number>%{?dist}' (for example 1%{?dist})`,
    });
  const changelog = /^%changelog\s*$([\s\S]*)/m.exec(text)?.[1] ?? '';
  if (!/\b(license verified|verified license)\b/i.test(changelog))
    problems.push({
      field: '%changelog',
      message: "license not verified: the changelog needs an entry 'License verified' or 'Verified license'",
    });
  if (!ATTRIBUTIONS.some((a) => a.test(changelog)))
    problems.push({
      field: '%changelog',
      message: `no valid source attribution in the changelog, for example '- ${EMT_ORIGINAL_SPEC_LINE}'`,
    });
  return problems;
}
