-- iam-policy-ls with nvim-lspconfig's legacy `setup()` API (for Neovim 0.10, or configs not yet
-- on `vim.lsp.config`). Filetype detection comes from plugin/iam_policy.lua in this directory.
local configs = require('lspconfig.configs')
if not configs.iam_policy then
  configs.iam_policy = {
    default_config = {
      cmd = { 'iam-policy-ls' },
      filetypes = { 'iam-policy', 'json' },
      root_dir = require('lspconfig.util').root_pattern('.iam-policy-ls.toml', '.git'),
      single_file_support = true,
    },
  }
end
require('lspconfig').iam_policy.setup({})
