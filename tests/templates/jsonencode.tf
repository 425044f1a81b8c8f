variable "bucket_name" {
  type = string
}

data "aws_caller_identity" "current" {}

resource "aws_s3_bucket" "reports" {
  bucket = var.bucket_name
}

resource "aws_iam_role" "reporter" {
  name = "reporter"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "lambda.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_role_policy" "reporter" {
  name = "reporter"
  role = aws_iam_role.reporter.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "ReadReports"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:ListBuckett"]
        Resource = ["${aws_s3_bucket.reports.arn}/*", aws_s3_bucket.reports.arn]
      },
      {
        Sid      = "OwnFolder"
        Effect   = "Allow"
        Action   = "s3:PutObject"
        Resource = "${aws_s3_bucket.reports.arn}/home/$${aws:username}/*"
      },
      {
        Sid      = "Parameters"
        Effect   = "Allow"
        Action   = "ssm:GetParameter"
        Resource = "arn:aws:ssm:us-east-1:${data.aws_caller_identity.current.account_id}:parameter/reports/*"
      },
    ]
  })
}

resource "aws_s3_bucket_policy" "reports" {
  bucket = aws_s3_bucket.reports.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "DenyInsecure"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = ["${aws_s3_bucket.reports.arn}/*", aws_s3_bucket.reports.arn]
      Condition = {
        Bool = { "aws:SecureTransport" = "false" }
      }
    }, {
      Sid       = "Dated"
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" }
      Action    = "s3:GetObject"
      Resource  = "${aws_s3_bucket.reports.arn}/*"
      Condition = {
        DateLessThan = { "aws:CurrentTime" = "next-week" }
      }
    }]
  })
}
