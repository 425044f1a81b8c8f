-- iam-policy-ls for Neovim 0.11+ (`vim.lsp.config` / `vim.lsp.enable`). With this directory on
-- 'runtimepath', `vim.lsp.enable('iam_policy')` starts the server for policy files and JSON.
---@type vim.lsp.Config
return {
  cmd = { 'iam-policy-ls' },
  -- `iam-policy` files are always policies; JSON files are checked when they have a top-level
  -- "Statement" or are CloudFormation templates; YAML files when they are CloudFormation/SAM
  -- templates; Terraform files for their policies. Files holding no policy get nothing. The
  -- server runs beside yamlls, jsonls and terraformls.
  filetypes = { 'iam-policy', 'json', 'yaml', 'terraform', 'hcl' },
  root_markers = { '.iam-policy-ls.toml', '.git' },
  -- The keys of .iam-policy-ls.toml; the project file still applies beneath them.
  -- init_options = { ['iam-policy-ls'] = { ['policy-type'] = 'identity', checks = { MISSING_VERSION = 'off' } } },
}
