# sam build runs one target per function (BuildMethod: makefile): each bundles
# its handler with the project's build script into $(ARTIFACTS_DIR)/index.js.
# Run `npm ci` first: the bundler and the dependencies come from node_modules.
# Try one locally: make build-SlackEventsFunction ARTIFACTS_DIR=/tmp/out

BUILD = node scripts/build.mjs --outdir "$(ARTIFACTS_DIR)" --only

.PHONY: build-SlackEventsFunction build-IngestFunction build-SweepFunction build-ClassifyFunction build-ActionsFunction build-LedgerPublisherFunction build-LedgerFeedFunction build-McpFunction build-ExampleExecutorFunction build-ApprovalRequestFunction

build-SlackEventsFunction:
	$(BUILD) slackEvents

build-IngestFunction:
	$(BUILD) ingest

build-SweepFunction:
	$(BUILD) sweep

build-ClassifyFunction:
	$(BUILD) classify

build-ActionsFunction:
	$(BUILD) actions

build-LedgerPublisherFunction:
	$(BUILD) ledgerPublisher

build-LedgerFeedFunction:
	$(BUILD) ledgerFeed

build-McpFunction:
	$(BUILD) mcp

build-ApprovalRequestFunction:
	$(BUILD) approvalRequest

# Deployed only with DeployExampleExecutor=true: examples/executor/handler.ts.
build-ExampleExecutorFunction:
	$(BUILD) exampleExecutor
