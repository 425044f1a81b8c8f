resource "aws_iam_policy" "logs" {
  name   = "logs"
  policy = <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["logs:CreateLogStream", "logs:PutLogEvent"],
      "Resource": "arn:aws:logs:${var.region}:${var.account_id}:log-group:/app/*"
    },
    {
      "Effect": "Allow",
      "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::${var.bucket}/home/$${aws:username}/*"
    }
  ]
}
EOF
}

resource "aws_sqs_queue_policy" "jobs" {
  queue_url = aws_sqs_queue.jobs.id
  policy    = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {
          "Sid": "FromTopic",
          "Effect": "Allow",
          "Principal": { "Service": "sns.amazonaws.com" },
          "Action": "sqs:SendMessage",
          "Resource": "${aws_sqs_queue.jobs.arn}",
          "Condition": { "ArnEquals": { "aws:SourceArn": ${jsonencode(var.topic_arns)} } }
        },
        {
          "Sid": "FromTopic",
          "Effect": "Allow",
          "Principal": { "Service": "events.amazonaws.com" },
          "Action": "sqs:SendMessage",
          "Resource": "${aws_sqs_queue.jobs.arn}",
          "Condition": { "ArnEquals": { "aws:SourceArn": "${var.rule_arn}" } }
        }
      ]
    }
  EOT
}

resource "aws_sqs_queue" "jobs" {
  name = "jobs"
}
