package emulator

import (
	"net/http"
	"strconv"

	"github.com/cloudassistant/pulumi-cloudassistant/emulator/internal/model"
	"github.com/cloudassistant/pulumi-cloudassistant/emulator/internal/protocol"
)

// commandInput reads the command fields CreateCommand and RunCommand share.
func commandInput(r *protocol.Request, plainByDefault bool, nameRequired bool) (model.CommandInput, error) {
	var in model.CommandInput
	var err error
	if nameRequired {
		if in.Name, err = required(r, "Name"); err != nil {
			return in, err
		}
	} else if in.Name = r.Get("Name"); in.Name == "" {
		in.Name = "RunCommand"
	}
	if in.Type, err = required(r, "Type"); err != nil {
		return in, err
	}
	content, err := required(r, "CommandContent")
	if err != nil {
		return in, err
	}
	if in.Content, err = decodeContent(content, plainText(r, plainByDefault)); err != nil {
		return in, err
	}
	if in.Timeout, _, err = int64Param(r, "Timeout"); err != nil {
		return in, err
	}
	if in.EnableParameter, err = boolParam(r, "EnableParameter"); err != nil {
		return in, err
	}
	in.Description, in.WorkingDir, in.Launcher = r.Get("Description"), r.Get("WorkingDir"), r.Get("Launcher")
	in.ResourceGroupID, in.Tags = r.Get("ResourceGroupId"), tags(r)
	if nameRequired { // CreateCommand's own ClientToken; RunCommand's belongs to the invocation
		in.ClientToken = r.Get("ClientToken")
	}
	return in, nil
}

func createCommand(s *Server, r *protocol.Request) (any, error) {
	in, err := commandInput(r, false, true)
	if err != nil {
		return nil, err
	}
	cmd, err := s.cloud.CreateCommand(in)
	if err != nil {
		return nil, err
	}
	return struct{ CommandId string }{cmd.ID}, nil
}

func describeCommands(s *Server, r *protocol.Request) (any, error) {
	p, err := parsePage(r, 10, 50)
	if err != nil {
		return nil, err
	}
	plain := plainText(r, false)
	if t := r.Get("Type"); t != "" && t != model.TypeShell && t != model.TypeBat && t != model.TypePowerShell {
		return nil, protocol.NewError(http.StatusNotFound, "InvalidCommandType.NotFound", "The specified parameter Type "+strconv.Quote(t)+" does not exist; use RunShellScript, RunBatScript or RunPowerShellScript.")
	}
	cmds := s.cloud.Commands(model.CommandFilter{
		ID: r.Get("CommandId"), Name: r.Get("Name"), Type: r.Get("Type"),
		Description: r.Get("Description"), Tags: tags(r),
	})
	start, end, next := p.window(len(cmds))
	out := describeCommandsJSON{paging: p.answer(len(cmds), next)}
	out.Commands.Command = make([]commandJSON, 0, end-start)
	for _, c := range cmds[start:end] {
		out.Commands.Command = append(out.Commands.Command, commandOf(c, plain))
	}
	return out, nil
}

func modifyCommand(s *Server, r *protocol.Request) (any, error) {
	id, err := required(r, "CommandId")
	if err != nil {
		return nil, err
	}
	patch := model.CommandPatch{
		ID: id, Name: optional(r, "Name"), Description: optional(r, "Description"),
		WorkingDir: optional(r, "WorkingDir"), Launcher: optional(r, "Launcher"),
	}
	// CommandContent is read and ignored: the current reference says it no longer takes
	// effect, so a client that still sends it gets a success that changes no script.
	if t, ok, err := int64Param(r, "Timeout"); err != nil {
		return nil, err
	} else if ok {
		patch.Timeout = &t
	}
	if err := s.cloud.ModifyCommand(patch); err != nil {
		return nil, err
	}
	return empty{}, nil
}

func deleteCommand(s *Server, r *protocol.Request) (any, error) {
	id, err := required(r, "CommandId")
	if err != nil {
		return nil, err
	}
	if err := s.cloud.DeleteCommand(id); err != nil {
		return nil, err
	}
	return empty{}, nil
}
