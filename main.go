// Command kmslab walks a learner through the "Encrypt data with AWS KMS" lab,
// offline by default, on a real AWS account with --aws.
package main

import (
	"context"
	"os"

	"kmslab/cli"
)

func main() {
	os.Exit(cli.Execute(context.Background()))
}
