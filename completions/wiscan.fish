# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_wiscan_global_optspecs
    string join \n v/verbose q/quiet color= h/help V/version
end

function __fish_wiscan_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_wiscan_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_wiscan_using_subcommand
    set -l cmd (__fish_wiscan_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c wiscan -n "__fish_wiscan_needs_command" -l color -d 'When to colour output: auto = on a terminal and without NO_COLOR' -r -f -a "auto\t''
always\t''
never\t''"
complete -c wiscan -n "__fish_wiscan_needs_command" -s v -l verbose -d 'Increase logging verbosity'
complete -c wiscan -n "__fish_wiscan_needs_command" -s q -l quiet -d 'Decrease logging verbosity'
complete -c wiscan -n "__fish_wiscan_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c wiscan -n "__fish_wiscan_needs_command" -s V -l version -d 'Print version'
complete -c wiscan -n "__fish_wiscan_needs_command" -f -a "scan" -d 'Collect, run the rules and report'
complete -c wiscan -n "__fish_wiscan_needs_command" -f -a "collect" -d 'Collect only, and write the normalized inventory as a snapshot'
complete -c wiscan -n "__fish_wiscan_needs_command" -f -a "map" -d 'Draw who can become whom: the identity graph across clusters and clouds'
complete -c wiscan -n "__fish_wiscan_needs_command" -f -a "rules" -d 'List the rules, or explain one'
complete -c wiscan -n "__fish_wiscan_needs_command" -f -a "completions" -d 'Print shell completions'
complete -c wiscan -n "__fish_wiscan_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c wiscan -n "__fish_wiscan_using_subcommand scan" -l from -d 'Read a file, a directory (walked recursively) or `-` (standard input); repeatable. Files are recognised by content: AWS CLI JSON outputs (iam get-account-authorization-details, list-roles, get-role, get-credential-report, list-access-keys, get-access-key-last-used, OIDC providers; eks describe-cluster, list-clusters, pod identity associations; ec2 describe-instances, describe-launch-template-versions; rolesanywhere list-trust-anchors), the credential report CSV, trust policy documents; Kubernetes objects from kubectl -o json|yaml and multi-document manifests (helm template); wiscan snapshots' -r
complete -c wiscan -n "__fish_wiscan_using_subcommand scan" -l max-input-size -d 'Largest input file to read, in MiB (1 to 1048576)' -r
complete -c wiscan -n "__fish_wiscan_using_subcommand scan" -l cluster -d 'Kubernetes objects read from PATH (a file, or a directory and everything below it) belong to the cloud cluster NAME; repeatable. Without it, a cluster is learned from the IRSA trusts, or from the only cluster described in the scan' -r
complete -c wiscan -n "__fish_wiscan_using_subcommand scan" -l aws-profile -d 'AWS profile to collect from, one account each; repeatable (implies --aws)' -r
complete -c wiscan -n "__fish_wiscan_using_subcommand scan" -l aws-role-arn -d 'Role to assume into a member account (from the default credentials); repeatable (implies --aws)' -r
complete -c wiscan -n "__fish_wiscan_using_subcommand scan" -l aws-region -d 'AWS region to read EKS and EC2 in; repeatable (implies --aws) [default: the account\'s enabled regions]' -r
complete -c wiscan -n "__fish_wiscan_using_subcommand scan" -l gcp-org -d 'Google Cloud organization (numeric ID) to collect from with Application Default Credentials, through Cloud Asset Inventory; repeatable' -r
complete -c wiscan -n "__fish_wiscan_using_subcommand scan" -l gcp-folder -d 'Google Cloud folder (numeric ID) to collect from; repeatable' -r
complete -c wiscan -n "__fish_wiscan_using_subcommand scan" -l gcp-project -d 'Google Cloud project (ID or number) to collect from; repeatable. Without the Cloud Asset API, the project is read through the IAM, Resource Manager and GKE APIs' -r
complete -c wiscan -n "__fish_wiscan_using_subcommand scan" -l azure-subscription -d 'Azure subscription to collect from; repeatable (implies --azure)' -r
complete -c wiscan -n "__fish_wiscan_using_subcommand scan" -l azure-tenant -d 'Azure tenant to sign in to, for ARM and Microsoft Graph (implies --azure) [default: the credential\'s home tenant]' -r
complete -c wiscan -n "__fish_wiscan_using_subcommand scan" -l kube-context -d 'Kubeconfig context to collect from; repeatable, contexts are read in parallel (implies --k8s)' -r
complete -c wiscan -n "__fish_wiscan_using_subcommand scan" -l timeout -d 'Seconds each live source (account, context) may take, retries and waits included; past it the source fails (exit 2)' -r
complete -c wiscan -n "__fish_wiscan_using_subcommand scan" -l shard -d 'Read only shard INDEX of COUNT of the live sources given (profiles, roles, contexts, in the order given): one process per shard, e.g. an indexed Job\'s `$(JOB_COMPLETION_INDEX)/COUNT`. `--from` inputs are always read' -r
complete -c wiscan -n "__fish_wiscan_using_subcommand scan" -l format -d 'Report format' -r -f -a "table\t''
json\t''
sarif\t''"
complete -c wiscan -n "__fish_wiscan_using_subcommand scan" -s o -l output -d 'Write the report to FILE instead of standard output' -r -F
complete -c wiscan -n "__fish_wiscan_using_subcommand scan" -l min-severity -d 'Hide findings below this severity' -r -f -a "info\t''
low\t''
medium\t''
high\t''
critical\t''"
complete -c wiscan -n "__fish_wiscan_using_subcommand scan" -l fail-on -d 'Exit 1 when an unsuppressed finding is at or above SEVERITY [default: high; `none` never fails]' -r
complete -c wiscan -n "__fish_wiscan_using_subcommand scan" -l baseline -d 'Findings whose fingerprints are in FILE are suppressed and never fail the gate' -r -F
complete -c wiscan -n "__fish_wiscan_using_subcommand scan" -l write-baseline -d 'Write the fingerprints of this scan\'s findings to FILE, for --baseline' -r -F
complete -c wiscan -n "__fish_wiscan_using_subcommand scan" -l select -d 'Run only these rules (ID or name); repeatable' -r
complete -c wiscan -n "__fish_wiscan_using_subcommand scan" -l ignore -d 'Do not run these rules (ID or name); repeatable' -r
complete -c wiscan -n "__fish_wiscan_using_subcommand scan" -l config -d 'Configuration file [default: wiscan.toml in the working directory, if present]' -r -F
complete -c wiscan -n "__fish_wiscan_using_subcommand scan" -l now -d 'The time key ages are measured against (RFC 3339); for reproducible reports' -r
complete -c wiscan -n "__fish_wiscan_using_subcommand scan" -l color -d 'When to colour output: auto = on a terminal and without NO_COLOR' -r -f -a "auto\t''
always\t''
never\t''"
complete -c wiscan -n "__fish_wiscan_using_subcommand scan" -l allow-partial -d 'Report unreadable inputs and failed sources but do not exit 2 for them'
complete -c wiscan -n "__fish_wiscan_using_subcommand scan" -l aws -d 'Collect live from AWS with the standard credential chain (environment, profile, SSO, web identity)'
complete -c wiscan -n "__fish_wiscan_using_subcommand scan" -l azure -d 'Collect live from Azure with the standard credential chain (environment, workload identity, managed identity, Azure CLI): every visible subscription, and the tenant\'s Microsoft Graph'
complete -c wiscan -n "__fish_wiscan_using_subcommand scan" -l k8s -d 'Collect live from Kubernetes: the current kubeconfig context, or in-cluster configuration'
complete -c wiscan -n "__fish_wiscan_using_subcommand scan" -l no-secrets -d 'Do not list Secrets, and do not read ConfigMaps\' contents'
complete -c wiscan -n "__fish_wiscan_using_subcommand scan" -l sarif-include-suppressed -d 'SARIF: include suppressed and baselined findings, marked with `suppressions`'
complete -c wiscan -n "__fish_wiscan_using_subcommand scan" -s v -l verbose -d 'Increase logging verbosity'
complete -c wiscan -n "__fish_wiscan_using_subcommand scan" -s q -l quiet -d 'Decrease logging verbosity'
complete -c wiscan -n "__fish_wiscan_using_subcommand scan" -s h -l help -d 'Print help'
complete -c wiscan -n "__fish_wiscan_using_subcommand scan" -s V -l version -d 'Print version'
complete -c wiscan -n "__fish_wiscan_using_subcommand collect" -l from -d 'Read a file, a directory (walked recursively) or `-` (standard input); repeatable. Files are recognised by content: AWS CLI JSON outputs (iam get-account-authorization-details, list-roles, get-role, get-credential-report, list-access-keys, get-access-key-last-used, OIDC providers; eks describe-cluster, list-clusters, pod identity associations; ec2 describe-instances, describe-launch-template-versions; rolesanywhere list-trust-anchors), the credential report CSV, trust policy documents; Kubernetes objects from kubectl -o json|yaml and multi-document manifests (helm template); wiscan snapshots' -r
complete -c wiscan -n "__fish_wiscan_using_subcommand collect" -l max-input-size -d 'Largest input file to read, in MiB (1 to 1048576)' -r
complete -c wiscan -n "__fish_wiscan_using_subcommand collect" -l cluster -d 'Kubernetes objects read from PATH (a file, or a directory and everything below it) belong to the cloud cluster NAME; repeatable. Without it, a cluster is learned from the IRSA trusts, or from the only cluster described in the scan' -r
complete -c wiscan -n "__fish_wiscan_using_subcommand collect" -l aws-profile -d 'AWS profile to collect from, one account each; repeatable (implies --aws)' -r
complete -c wiscan -n "__fish_wiscan_using_subcommand collect" -l aws-role-arn -d 'Role to assume into a member account (from the default credentials); repeatable (implies --aws)' -r
complete -c wiscan -n "__fish_wiscan_using_subcommand collect" -l aws-region -d 'AWS region to read EKS and EC2 in; repeatable (implies --aws) [default: the account\'s enabled regions]' -r
complete -c wiscan -n "__fish_wiscan_using_subcommand collect" -l gcp-org -d 'Google Cloud organization (numeric ID) to collect from with Application Default Credentials, through Cloud Asset Inventory; repeatable' -r
complete -c wiscan -n "__fish_wiscan_using_subcommand collect" -l gcp-folder -d 'Google Cloud folder (numeric ID) to collect from; repeatable' -r
complete -c wiscan -n "__fish_wiscan_using_subcommand collect" -l gcp-project -d 'Google Cloud project (ID or number) to collect from; repeatable. Without the Cloud Asset API, the project is read through the IAM, Resource Manager and GKE APIs' -r
complete -c wiscan -n "__fish_wiscan_using_subcommand collect" -l azure-subscription -d 'Azure subscription to collect from; repeatable (implies --azure)' -r
complete -c wiscan -n "__fish_wiscan_using_subcommand collect" -l azure-tenant -d 'Azure tenant to sign in to, for ARM and Microsoft Graph (implies --azure) [default: the credential\'s home tenant]' -r
complete -c wiscan -n "__fish_wiscan_using_subcommand collect" -l kube-context -d 'Kubeconfig context to collect from; repeatable, contexts are read in parallel (implies --k8s)' -r
complete -c wiscan -n "__fish_wiscan_using_subcommand collect" -l timeout -d 'Seconds each live source (account, context) may take, retries and waits included; past it the source fails (exit 2)' -r
complete -c wiscan -n "__fish_wiscan_using_subcommand collect" -l shard -d 'Read only shard INDEX of COUNT of the live sources given (profiles, roles, contexts, in the order given): one process per shard, e.g. an indexed Job\'s `$(JOB_COMPLETION_INDEX)/COUNT`. `--from` inputs are always read' -r
complete -c wiscan -n "__fish_wiscan_using_subcommand collect" -l out -d 'Where to write the snapshot (`-` for standard output)' -r -F
complete -c wiscan -n "__fish_wiscan_using_subcommand collect" -l color -d 'When to colour output: auto = on a terminal and without NO_COLOR' -r -f -a "auto\t''
always\t''
never\t''"
complete -c wiscan -n "__fish_wiscan_using_subcommand collect" -l allow-partial -d 'Report unreadable inputs and failed sources but do not exit 2 for them'
complete -c wiscan -n "__fish_wiscan_using_subcommand collect" -l aws -d 'Collect live from AWS with the standard credential chain (environment, profile, SSO, web identity)'
complete -c wiscan -n "__fish_wiscan_using_subcommand collect" -l azure -d 'Collect live from Azure with the standard credential chain (environment, workload identity, managed identity, Azure CLI): every visible subscription, and the tenant\'s Microsoft Graph'
complete -c wiscan -n "__fish_wiscan_using_subcommand collect" -l k8s -d 'Collect live from Kubernetes: the current kubeconfig context, or in-cluster configuration'
complete -c wiscan -n "__fish_wiscan_using_subcommand collect" -l no-secrets -d 'Do not list Secrets, and do not read ConfigMaps\' contents'
complete -c wiscan -n "__fish_wiscan_using_subcommand collect" -s v -l verbose -d 'Increase logging verbosity'
complete -c wiscan -n "__fish_wiscan_using_subcommand collect" -s q -l quiet -d 'Decrease logging verbosity'
complete -c wiscan -n "__fish_wiscan_using_subcommand collect" -s h -l help -d 'Print help'
complete -c wiscan -n "__fish_wiscan_using_subcommand collect" -s V -l version -d 'Print version'
complete -c wiscan -n "__fish_wiscan_using_subcommand map" -l from -d 'Read a file, a directory (walked recursively) or `-` (standard input); repeatable. Files are recognised by content: AWS CLI JSON outputs (iam get-account-authorization-details, list-roles, get-role, get-credential-report, list-access-keys, get-access-key-last-used, OIDC providers; eks describe-cluster, list-clusters, pod identity associations; ec2 describe-instances, describe-launch-template-versions; rolesanywhere list-trust-anchors), the credential report CSV, trust policy documents; Kubernetes objects from kubectl -o json|yaml and multi-document manifests (helm template); wiscan snapshots' -r
complete -c wiscan -n "__fish_wiscan_using_subcommand map" -l max-input-size -d 'Largest input file to read, in MiB (1 to 1048576)' -r
complete -c wiscan -n "__fish_wiscan_using_subcommand map" -l cluster -d 'Kubernetes objects read from PATH (a file, or a directory and everything below it) belong to the cloud cluster NAME; repeatable. Without it, a cluster is learned from the IRSA trusts, or from the only cluster described in the scan' -r
complete -c wiscan -n "__fish_wiscan_using_subcommand map" -l aws-profile -d 'AWS profile to collect from, one account each; repeatable (implies --aws)' -r
complete -c wiscan -n "__fish_wiscan_using_subcommand map" -l aws-role-arn -d 'Role to assume into a member account (from the default credentials); repeatable (implies --aws)' -r
complete -c wiscan -n "__fish_wiscan_using_subcommand map" -l aws-region -d 'AWS region to read EKS and EC2 in; repeatable (implies --aws) [default: the account\'s enabled regions]' -r
complete -c wiscan -n "__fish_wiscan_using_subcommand map" -l gcp-org -d 'Google Cloud organization (numeric ID) to collect from with Application Default Credentials, through Cloud Asset Inventory; repeatable' -r
complete -c wiscan -n "__fish_wiscan_using_subcommand map" -l gcp-folder -d 'Google Cloud folder (numeric ID) to collect from; repeatable' -r
complete -c wiscan -n "__fish_wiscan_using_subcommand map" -l gcp-project -d 'Google Cloud project (ID or number) to collect from; repeatable. Without the Cloud Asset API, the project is read through the IAM, Resource Manager and GKE APIs' -r
complete -c wiscan -n "__fish_wiscan_using_subcommand map" -l azure-subscription -d 'Azure subscription to collect from; repeatable (implies --azure)' -r
complete -c wiscan -n "__fish_wiscan_using_subcommand map" -l azure-tenant -d 'Azure tenant to sign in to, for ARM and Microsoft Graph (implies --azure) [default: the credential\'s home tenant]' -r
complete -c wiscan -n "__fish_wiscan_using_subcommand map" -l kube-context -d 'Kubeconfig context to collect from; repeatable, contexts are read in parallel (implies --k8s)' -r
complete -c wiscan -n "__fish_wiscan_using_subcommand map" -l timeout -d 'Seconds each live source (account, context) may take, retries and waits included; past it the source fails (exit 2)' -r
complete -c wiscan -n "__fish_wiscan_using_subcommand map" -l shard -d 'Read only shard INDEX of COUNT of the live sources given (profiles, roles, contexts, in the order given): one process per shard, e.g. an indexed Job\'s `$(JOB_COMPLETION_INDEX)/COUNT`. `--from` inputs are always read' -r
complete -c wiscan -n "__fish_wiscan_using_subcommand map" -l format -d 'Map format: a table per identity and per ServiceAccount, JSON (schemas/map-v1.schema.json), Graphviz DOT, or a Mermaid flowchart (GitHub renders it in Markdown)' -r -f -a "table\t''
json\t''
dot\t''
mermaid\t''"
complete -c wiscan -n "__fish_wiscan_using_subcommand map" -s o -l output -d 'Write the map to FILE instead of standard output' -r -F
complete -c wiscan -n "__fish_wiscan_using_subcommand map" -l namespace -d 'Keep what the ServiceAccounts and workloads of this namespace can become' -r
complete -c wiscan -n "__fish_wiscan_using_subcommand map" -l in-cluster -d 'Keep what the objects of this cluster (its name, or the input it was read from) can become (`--cluster NAME=PATH` links inputs to clusters, as in `scan`)' -r
complete -c wiscan -n "__fish_wiscan_using_subcommand map" -l identity -d 'Keep who can become this identity (role ARN, service account email, client ID, or name)' -r
complete -c wiscan -n "__fish_wiscan_using_subcommand map" -l path-to -d 'List every path that ends at this identity' -r
complete -c wiscan -n "__fish_wiscan_using_subcommand map" -l color -d 'When to colour output: auto = on a terminal and without NO_COLOR' -r -f -a "auto\t''
always\t''
never\t''"
complete -c wiscan -n "__fish_wiscan_using_subcommand map" -l allow-partial -d 'Report unreadable inputs and failed sources but do not exit 2 for them'
complete -c wiscan -n "__fish_wiscan_using_subcommand map" -l aws -d 'Collect live from AWS with the standard credential chain (environment, profile, SSO, web identity)'
complete -c wiscan -n "__fish_wiscan_using_subcommand map" -l azure -d 'Collect live from Azure with the standard credential chain (environment, workload identity, managed identity, Azure CLI): every visible subscription, and the tenant\'s Microsoft Graph'
complete -c wiscan -n "__fish_wiscan_using_subcommand map" -l k8s -d 'Collect live from Kubernetes: the current kubeconfig context, or in-cluster configuration'
complete -c wiscan -n "__fish_wiscan_using_subcommand map" -l no-secrets -d 'Do not list Secrets, and do not read ConfigMaps\' contents'
complete -c wiscan -n "__fish_wiscan_using_subcommand map" -s v -l verbose -d 'Increase logging verbosity'
complete -c wiscan -n "__fish_wiscan_using_subcommand map" -s q -l quiet -d 'Decrease logging verbosity'
complete -c wiscan -n "__fish_wiscan_using_subcommand map" -s h -l help -d 'Print help'
complete -c wiscan -n "__fish_wiscan_using_subcommand map" -s V -l version -d 'Print version'
complete -c wiscan -n "__fish_wiscan_using_subcommand rules" -l format -d 'Output format for the list' -r -f -a "table\t''
json\t''
markdown\t''"
complete -c wiscan -n "__fish_wiscan_using_subcommand rules" -l color -d 'When to colour output: auto = on a terminal and without NO_COLOR' -r -f -a "auto\t''
always\t''
never\t''"
complete -c wiscan -n "__fish_wiscan_using_subcommand rules" -s v -l verbose -d 'Increase logging verbosity'
complete -c wiscan -n "__fish_wiscan_using_subcommand rules" -s q -l quiet -d 'Decrease logging verbosity'
complete -c wiscan -n "__fish_wiscan_using_subcommand rules" -s h -l help -d 'Print help'
complete -c wiscan -n "__fish_wiscan_using_subcommand rules" -s V -l version -d 'Print version'
complete -c wiscan -n "__fish_wiscan_using_subcommand completions" -l color -d 'When to colour output: auto = on a terminal and without NO_COLOR' -r -f -a "auto\t''
always\t''
never\t''"
complete -c wiscan -n "__fish_wiscan_using_subcommand completions" -s v -l verbose -d 'Increase logging verbosity'
complete -c wiscan -n "__fish_wiscan_using_subcommand completions" -s q -l quiet -d 'Decrease logging verbosity'
complete -c wiscan -n "__fish_wiscan_using_subcommand completions" -s h -l help -d 'Print help'
complete -c wiscan -n "__fish_wiscan_using_subcommand completions" -s V -l version -d 'Print version'
complete -c wiscan -n "__fish_wiscan_using_subcommand help; and not __fish_seen_subcommand_from scan collect map rules completions help" -f -a "scan" -d 'Collect, run the rules and report'
complete -c wiscan -n "__fish_wiscan_using_subcommand help; and not __fish_seen_subcommand_from scan collect map rules completions help" -f -a "collect" -d 'Collect only, and write the normalized inventory as a snapshot'
complete -c wiscan -n "__fish_wiscan_using_subcommand help; and not __fish_seen_subcommand_from scan collect map rules completions help" -f -a "map" -d 'Draw who can become whom: the identity graph across clusters and clouds'
complete -c wiscan -n "__fish_wiscan_using_subcommand help; and not __fish_seen_subcommand_from scan collect map rules completions help" -f -a "rules" -d 'List the rules, or explain one'
complete -c wiscan -n "__fish_wiscan_using_subcommand help; and not __fish_seen_subcommand_from scan collect map rules completions help" -f -a "completions" -d 'Print shell completions'
complete -c wiscan -n "__fish_wiscan_using_subcommand help; and not __fish_seen_subcommand_from scan collect map rules completions help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
