-- iam-policy-ls for Neovim 0.11+ (`vim.lsp.config` / `vim.lsp.enable`). With this directory on
-- 'runtimepath', `vim.lsp.enable('iam_policy')` starts the server for policy files and JSON.
---@type vim.lsp.Config
return {
  cmd = { 'iam-policy-ls' },
  -- `iam-policy` files are always policies; JSON files are checked when they have a top-level
  -- "Statement" and ignored otherwise.
  filetypes = { 'iam-policy', 'json' },
  root_markers = { '.iam-policy-ls.toml', '.git' },
  -- The keys of .iam-policy-ls.toml; the project file still applies beneath them.
  -- init_options = { ['iam-policy-ls'] = { ['policy-type'] = 'identity', checks = { MISSING_VERSION = 'off' } } },
}
