-- Filetype `iam-policy` for files named by a policy convention (the same names the server reads
-- the policy type from). Neovim sends the filetype as the LSP languageId.
-- file-names:start
-- The file-name conventions, generated from core/src/file_names.rs by `UPDATE_FILE_NAMES=1 cargo test -p iam-policy --test file_names`.
vim.filetype.add({
  filename = {
    ['scp.json'] = 'iam-policy',
    ['rcp.json'] = 'iam-policy',
    ['trust.json'] = 'iam-policy',
    ['trust-policy.json'] = 'iam-policy',
    ['trust_policy.json'] = 'iam-policy',
    ['assume-role-policy.json'] = 'iam-policy',
    ['boundary.json'] = 'iam-policy',
    ['permissions-boundary.json'] = 'iam-policy',
    ['identity.json'] = 'iam-policy',
    ['resource.json'] = 'iam-policy',
    ['bucket-policy.json'] = 'iam-policy',
    ['key-policy.json'] = 'iam-policy',
    ['queue-policy.json'] = 'iam-policy',
    ['topic-policy.json'] = 'iam-policy',
    ['resource-policy.json'] = 'iam-policy',
    ['endpoint.json'] = 'iam-policy',
  },
  pattern = {
    ['.*%.scp%.json'] = 'iam-policy',
    ['.*%-scp%.json'] = 'iam-policy',
    ['.*%_scp%.json'] = 'iam-policy',
    ['.*%.rcp%.json'] = 'iam-policy',
    ['.*%-rcp%.json'] = 'iam-policy',
    ['.*%_rcp%.json'] = 'iam-policy',
    ['.*%.trust%.json'] = 'iam-policy',
    ['.*%-trust%.json'] = 'iam-policy',
    ['.*%_trust%.json'] = 'iam-policy',
    ['.*%.boundary%.json'] = 'iam-policy',
    ['.*%-boundary%.json'] = 'iam-policy',
    ['.*%_boundary%.json'] = 'iam-policy',
    ['.*%.identity%.json'] = 'iam-policy',
    ['.*%-identity%.json'] = 'iam-policy',
    ['.*%_identity%.json'] = 'iam-policy',
    ['.*%.resource%.json'] = 'iam-policy',
    ['.*%-resource%.json'] = 'iam-policy',
    ['.*%_resource%.json'] = 'iam-policy',
    ['.*%.endpoint%.json'] = 'iam-policy',
    ['.*%-endpoint%.json'] = 'iam-policy',
    ['.*%_endpoint%.json'] = 'iam-policy',
    ['.*%.policy%.json'] = 'iam-policy',
    ['.*%-policy%.json'] = 'iam-policy',
    ['.*%_policy%.json'] = 'iam-policy',
  },
})
-- file-names:end

-- Policies are JSON: highlight them as JSON.
pcall(vim.treesitter.language.register, 'json', 'iam-policy')
vim.api.nvim_create_autocmd('FileType', {
  pattern = 'iam-policy',
  group = vim.api.nvim_create_augroup('iam_policy_syntax', { clear = true }),
  callback = function(args)
    vim.bo[args.buf].syntax = 'json'
  end,
})
