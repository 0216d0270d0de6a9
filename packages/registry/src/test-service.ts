/**
 * The coordinator's test service (architecture §5–§6): a reserved organisation code hosted by the
 * coordinator's own node. A trial node sends it a test document, the service answers with statuses
 * 01 and 06, and that exchange is the conformance pass that `promote` asks for. The coordinator's
 * node (the one whose key is the coordinator key) may exchange with trial and official nodes alike.
 */
export const TEST_SERVICE_ORG = '000.00.00.T01'

/** Name of the test service's organisation record. */
export const TEST_SERVICE_ORG_NAME = 'Dịch vụ kiểm thử kết nối — Văn phòng Chính phủ'
