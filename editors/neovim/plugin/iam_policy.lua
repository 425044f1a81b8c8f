-- Filetype `iam-policy` for files named by a policy convention (the same names the server reads
-- the policy type from). Neovim sends the filetype as the LSP languageId.
vim.filetype.add({
  filename = {
    ['trust-policy.json'] = 'iam-policy',
    ['bucket-policy.json'] = 'iam-policy',
    ['key-policy.json'] = 'iam-policy',
  },
  pattern = {
    ['.*%.policy%.json'] = 'iam-policy',
    ['.*%.scp%.json'] = 'iam-policy',
    ['.*%.rcp%.json'] = 'iam-policy',
    ['.*%.trust%.json'] = 'iam-policy',
    ['.*%.boundary%.json'] = 'iam-policy',
    ['.*%.identity%.json'] = 'iam-policy',
    ['.*%.resource%.json'] = 'iam-policy',
    ['.*%.endpoint%.json'] = 'iam-policy',
  },
})

-- Policies are JSON: highlight them as JSON.
pcall(vim.treesitter.language.register, 'json', 'iam-policy')
vim.api.nvim_create_autocmd('FileType', {
  pattern = 'iam-policy',
  group = vim.api.nvim_create_augroup('iam_policy_syntax', { clear = true }),
  callback = function(args)
    vim.bo[args.buf].syntax = 'json'
  end,
})
