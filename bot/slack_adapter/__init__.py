"""The Slack front end: slack-bolt over Socket Mode (or HTTP), commands generated from the core
specs, Block Kit replies (`bot.render.slack_blocks`), modals, the App Home tab and the digest
poster. Imported only when Slack tokens are configured."""
