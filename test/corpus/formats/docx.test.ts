import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { loadSources } from '../../../src/corpus/load.js';
import { splitIntoPassages } from '../../../src/corpus/passages.js';
import { dataFolder } from '../../helpers.js';
import { makeDocx } from './fixtures.js';

async function load(files: Record<string, string | Uint8Array>) {
  const warnings: string[] = [];
  const sources = await loadSources(await dataFolder(files), (message) => warnings.push(message));
  return { sources, warnings };
}

const POLICY = () =>
  makeDocx([
    { heading: 'Safeguarding policy', level: 1 },
    { paragraph: 'This policy says how volunteers keep the people who use the drop-in safe from harm.' },
    { heading: 'Reporting a concern', level: 2 },
    { paragraph: 'Tell the duty manager the same day, in person or by phone, and write down what you saw.' },
    { bullet: 'Never promise to keep a disclosure secret.' },
    { bullet: 'Never investigate yourself.' },
    { heading: 'Contacts', level: 2 },
    { table: [['Role', 'Phone'], ['Duty manager', '0800 000 111']] },
  ]);

describe('Word sources', () => {
  it("are read through mammoth, titled by the first heading, with Word's headings as sections", async () => {
    const { sources, warnings } = await load({ 'policy.docx': await POLICY() });
    expect(warnings).toEqual([]);
    const [policy] = sources;
    expect(policy).toMatchObject({ format: 'docx', title: 'Safeguarding policy' });
    expect(policy?.text.split('\n')).toEqual([
      'Safeguarding policy',
      'This policy says how volunteers keep the people who use the drop-in safe from harm.',
      'Reporting a concern',
      'Tell the duty manager the same day, in person or by phone, and write down what you saw.',
      'Never promise to keep a disclosure secret.',
      'Never investigate yourself.',
      'Contacts',
      'Role | Phone',
      'Duty manager | 0800 000 111',
    ]);
    const passages = splitIntoPassages(policy ?? { file: '', title: '', text: '', bytes: 0 });
    const reporting = passages.find((passage) => passage.text.includes('duty manager the same day'));
    expect(reporting).toMatchObject({ section: ['Safeguarding policy', 'Reporting a concern'], anchor: 'reporting-a-concern' });
    // A passage never spans two sections: the contacts table is a passage of its own, under its heading.
    expect(reporting?.text).not.toContain('Contacts');
    const contacts = passages.find((passage) => passage.text.includes('0800 000 111'));
    expect(contacts?.text).toBe('Contacts\nRole | Phone\nDuty manager | 0800 000 111');
    expect(contacts?.lines).toEqual([7, 9]);
  });

  it('skip a zip that is not a Word document and an old .doc renamed, with a warning naming each', async () => {
    const policy = await POLICY();
    // A zip archive of something else: the same container as a .docx, without Word's parts.
    const { sources, warnings } = await load({
      'archive.docx': zipSync({ 'notes/readme.txt': strToU8('not a Word document') }),
      'old.docx': Buffer.from('\u00d0\u00cf\u0011\u00e0 an old binary .doc', 'latin1'),
      'policy.docx': policy,
    });
    expect(sources.map((source) => source.file)).toEqual(['policy.docx']);
    expect(warnings).toEqual([
      expect.stringMatching(/^skipped archive\.docx: it is not a Word document that can be read \(.+\)/),
      expect.stringMatching(/^skipped old\.docx: it is not a Word document that can be read/),
    ]);
  });
});
