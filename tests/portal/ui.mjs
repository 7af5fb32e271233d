// Element Plus from a test's side: choosing in a select, answering a confirmation box, and a
// screenshot once the page's transitions (tags, dialogs) have ended.
import { shot } from './support.mjs'

// picks the option with this text in the select marked data-test=testId
export async function choose(page, testId, text) {
  await page.locator(`[data-test="${testId}"]`).first().click()
  await page.locator('.el-select-dropdown__item:visible').filter({ hasText: text }).first().click()
}

// clicks the button of the open confirmation box (ElMessageBox) named button
export async function answerBox(page, button) {
  await page.locator('.el-message-box').getByRole('button', { name: button }).click()
}

// shot() after Element Plus's transitions (about 300 ms) have ended
export async function settledShot(page, name) {
  await page.waitForTimeout(400)
  return shot(page, name)
}
