"""Sends one UploadLayerPart of SIZE bytes with boto3 (a real client no one here wrote) and prints the outcome.

Usage: python3 boto3_upload_part.py ENDPOINT REPOSITORY SIZE
Prints JSON: {"ok": true, "lastByteReceived": n} or {"ok": false, "code": "...", "message": "..."}; a failure
that is not an ECR error (a broken connection) prints its class as the code. Credentials and region come from
the environment.
"""

import json
import sys

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError


def main() -> None:
    endpoint, repository, size = sys.argv[1], sys.argv[2], int(sys.argv[3])
    # No retries: the first answer is the one under test.
    ecr = boto3.client("ecr", endpoint_url=endpoint, config=Config(retries={"total_max_attempts": 1}))
    upload_id = ecr.initiate_layer_upload(repositoryName=repository)["uploadId"]
    blob = bytes((i * 7) & 0xFF for i in range(256)) * (size // 256) + bytes(size % 256)
    try:
        answer = ecr.upload_layer_part(
            repositoryName=repository,
            uploadId=upload_id,
            partFirstByte=0,
            partLastByte=size - 1,
            layerPartBlob=blob,
        )
        print(json.dumps({"ok": True, "lastByteReceived": answer["lastByteReceived"]}))
    except ClientError as error:
        print(json.dumps({"ok": False, "code": error.response["Error"]["Code"], "message": str(error)}))
    except Exception as error:  # noqa: BLE001 - a broken connection is an outcome to report, not a crash.
        print(json.dumps({"ok": False, "code": type(error).__name__, "message": str(error)}))


if __name__ == "__main__":
    main()
