/**
 * The OULAD-shaped fixture of `as_of_day_test.ts`: four students on one module, made up for the
 * tests. It is written to a temporary folder by {@linkcode writeOuladFixture} instead of being kept
 * as CSV files, so that no tracked file bears the name of one of the Open University's tables
 * (those tables are never committed).
 *
 * @module
 */

/** Each table's file name and text. */
export const OULAD_FIXTURE: Readonly<Record<string, string>> = {
  "studentInfo.csv":
    `code_module,code_presentation,id_student,gender,region,highest_education,imd_band,age_band,num_of_prev_attempts,studied_credits,disability,final_result
XXX,2013J,101,M,North Region,A Level or Equivalent,10-20,0-35,0,60,N,Pass
XXX,2013J,102,F,North Region,Lower Than A Level,,35-55,1,120,Y,Withdrawn
XXX,2013J,103,F,Wales,HE Qualification,0-10%,0-35,0,60,N,Fail
XXX,2014B,104,M,Wales,Lower Than A Level,20-30%,55<=,0,30,N,Withdrawn
`,
  "studentRegistration.csv":
    `"code_module","code_presentation","id_student","date_registration","date_unregistration"
"XXX","2013J","101","-30","?"
"XXX","2013J","102","-10","40"
"XXX","2013J","103","?","?"
"XXX","2014B","104","5","?"
`,
  "assessments.csv":
    `"code_module","code_presentation","id_assessment","assessment_type","date","weight"
"XXX","2013J","1","TMA","20","20"
"XXX","2013J","2","TMA","50","30"
"XXX","2013J","3","Exam","?","100"
"XXX","2014B","4","CMA","25","0"
`,
  "studentAssessment.csv": `id_assessment,id_student,date_submitted,is_banked,score
1,101,18,0,80
2,101,52,0,60
1,102,25,0,30
1,103,19,1,?
4,104,30,0,90
`,
  "courses.csv": `"code_module","code_presentation","module_presentation_length"
"XXX","2013J","200"
"XXX","2014B","210"
`,
};

/**
 * Writes the fixture's five tables into a folder.
 *
 * @param dir An existing folder.
 */
export async function writeOuladFixture(dir: string): Promise<void> {
  for (const [name, text] of Object.entries(OULAD_FIXTURE)) {
    await Deno.writeTextFile(`${dir}/${name}`, text);
  }
}
