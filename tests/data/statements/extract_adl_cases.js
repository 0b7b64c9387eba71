// Regenerates adl_conformance_cases.json.gz: every statement the ADL LRS conformance suite
// (https://github.com/adlnet/lrs-conformance-test-suite, MIT licence) builds from its template
// configurations (test/v1_0_3/configs/*.js and test/v2_0/configs/*.js), with the status the
// suite expects for a POST of it (200 accepted, 400 rejected).
//
//   cd SUITE && node /path/to/extract_adl_cases.js | gzip -9n > /path/to/adl_conformance_cases.json.gz
//
// The suite's own helper assembles the statements, exactly as its templatingSelection.js does
// before sending them. Identical (version, status, statement) cases are kept once.
"use strict";

const path = require("path");
const fs = require("fs");

const suite = process.cwd();
const out = [];
const seen = new Set();
for (const [directory, version] of [["v1_0_3", "1.0.3"], ["v2_0", "2.0.0"]]) {
    process.env.DIRECTORY = directory;
    delete require.cache[require.resolve(path.join(suite, "test/helper.js"))];
    const helper = require(path.join(suite, "test/helper.js"));
    const configs = fs.readdirSync(path.join(suite, "test", directory, "configs")).sort();
    for (const file of configs.filter((name) => name.endsWith(".js"))) {
        for (const group of helper.getSingleTestConfiguration(file)) {
            for (const test of group.config) {
                let statement = test.json;
                if (test.templates) {
                    const templates = JSON.parse(JSON.stringify(test.templates));
                    const mock = helper.createTestObject(helper.convertTemplate(templates));
                    statement = mock[Object.keys(mock)[0]];
                }
                const status = test.expect[0];
                const key = JSON.stringify([version, status, statement]);
                if (seen.has(key)) continue;
                seen.add(key);
                out.push({ version, file, name: test.name, status, statement });
            }
        }
    }
}
process.stdout.write(JSON.stringify(out));
